import { Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { AuditModule } from './audit/audit.module';
import { CatsModule } from './cats/cats.module';
import { HealthController } from './health.controller';

@Module({
  imports: [EventEmitterModule.forRoot(), CatsModule, AuditModule],
  controllers: [HealthController],
})
export class AppModule {}
