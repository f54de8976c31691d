import { Injectable } from '@nestjs/common';

/** What happened, in order, and how often each kind of event did. */
@Injectable()
export class AuditLog {
  private readonly entries: string[] = [];
  private readonly counts = new Map<string, number>();

  record(kind: string, text: string): void {
    this.entries.push(text);
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
  }

  list() {
    return { entries: this.entries, counts: Object.fromEntries(this.counts) };
  }
}
