import { Controller, Get, Inject } from '@nestjs/common';
import { AuditLog } from './audit-log.service';

@Controller('audit')
export class AuditController {
  constructor(@Inject(AuditLog) private readonly log: AuditLog) {}

  @Get()
  list() {
    return this.log.list();
  }
}
