import { Injectable } from '@nestjs/common';

/** What the event handlers noted, newest last. */
@Injectable()
export class ActivityLog {
  private readonly lines: string[] = [];

  note(line: string): void {
    this.lines.push(line);
    if (this.lines.length > 200) this.lines.shift();
  }

  recent(count = 20): string[] {
    return this.lines.slice(-count);
  }
}
