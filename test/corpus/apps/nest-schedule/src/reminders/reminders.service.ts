import { Injectable } from '@nestjs/common';
import type { Reminder } from './reminder.interface';

@Injectable()
export class RemindersService {
  private readonly reminders = new Map<number, Reminder>();
  private nextId = 1;

  add(text: string, inMs = 60_000): Reminder {
    const reminder: Reminder = { id: this.nextId++, text, dueAt: Date.now() + inMs, done: false };
    this.reminders.set(reminder.id, reminder);
    return reminder;
  }

  all(): Reminder[] {
    return [...this.reminders.values()];
  }

  /** Marks the reminders whose time came as done; returns how many. */
  markDue(now: number): number {
    let marked = 0;
    for (const reminder of this.reminders.values()) {
      if (!reminder.done && reminder.dueAt <= now) {
        reminder.done = true;
        marked++;
      }
    }
    return marked;
  }

  summary(): string {
    const open = this.all().filter((reminder) => !reminder.done).length;
    return `${open} open`;
  }
}
