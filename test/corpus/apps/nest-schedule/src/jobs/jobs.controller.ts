import { Controller, Get, Inject } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { JobStats } from './job-stats.service';

@Controller('jobs')
export class JobsController {
  constructor(
    @Inject(SchedulerRegistry) private readonly registry: SchedulerRegistry,
    @Inject(JobStats) private readonly stats: JobStats,
  ) {}

  /** The timers the scheduler holds, so that a job started twice shows, and what each did. */
  @Get()
  list() {
    return {
      intervals: this.registry.getIntervals().length,
      crons: this.registry.getCronJobs().size,
      jobs: this.stats.snapshot(),
    };
  }
}
