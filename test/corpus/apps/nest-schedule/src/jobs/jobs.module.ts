import { Module } from '@nestjs/common';
import { RemindersModule } from '../reminders/reminders.module';
import { JobStats } from './job-stats.service';
import { JobsController } from './jobs.controller';
import { TasksService } from './tasks.service';

@Module({
  imports: [RemindersModule],
  controllers: [JobsController],
  providers: [JobStats, TasksService],
})
export class JobsModule {}
