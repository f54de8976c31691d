import { Injectable } from '@nestjs/common';

/** What each job did: how many runs, and what its last run said. */
@Injectable()
export class JobStats {
  private readonly runs = new Map<string, { runs: number; last: string }>();

  record(job: string, last: string): void {
    const entry = this.runs.get(job) ?? { runs: 0, last: '' };
    entry.runs++;
    entry.last = last;
    this.runs.set(job, entry);
  }

  snapshot(): Record<string, { runs: number; last: string }> {
    return Object.fromEntries(this.runs);
  }
}
