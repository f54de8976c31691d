import { Module } from '@nestjs/common';
import { BuildsModule } from './builds/builds.module';
import { HealthController } from './health.controller';

@Module({
  imports: [BuildsModule],
  controllers: [HealthController],
})
export class AppModule {}
