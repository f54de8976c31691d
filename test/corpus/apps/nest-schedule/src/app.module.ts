import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { HealthController } from './health.controller';
import { JobsModule } from './jobs/jobs.module';
import { RemindersModule } from './reminders/reminders.module';

@Module({
  // forRoot() makes the explorer that reads every provider's @Cron, @Interval and @Timeout
  // once, when the app starts, and starts their timers.
  imports: [ScheduleModule.forRoot(), RemindersModule, JobsModule],
  controllers: [HealthController],
})
export class AppModule {}
