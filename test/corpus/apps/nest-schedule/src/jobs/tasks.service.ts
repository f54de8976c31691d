import { Inject, Injectable } from '@nestjs/common';
import { Cron, CronExpression, Interval, Timeout } from '@nestjs/schedule';
import { RemindersService } from '../reminders/reminders.service';
import { JobStats } from './job-stats.service';

@Injectable()
export class TasksService {
  constructor(
    @Inject(RemindersService) private readonly reminders: RemindersService,
    @Inject(JobStats) private readonly stats: JobStats,
  ) {}

  @Timeout('warmup', 10)
  warmup() {
    this.stats.record('warmup', 'ready');
  }

  @Interval('heartbeat', 200)
  heartbeat() {
    this.stats.record('heartbeat', `alive at ${new Date().toISOString()}`);
  }

  @Cron(CronExpression.EVERY_SECOND, { name: 'due' })
  markDue() {
    const marked = this.reminders.markDue(Date.now());
    this.stats.record('due', `${marked} due, ${this.reminders.summary()}`);
  }
}
