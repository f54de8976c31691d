import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditLog } from './audit-log.service';
import { CatsListener } from './cats.listener';

@Module({
  controllers: [AuditController],
  providers: [AuditLog, CatsListener],
})
export class AuditModule {}
