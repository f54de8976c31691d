import { Inject, Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { CatCreatedEvent } from '../cats/cat-created.event';
import { AuditLog } from './audit-log.service';

@Injectable()
export class CatsListener {
  constructor(@Inject(AuditLog) private readonly log: AuditLog) {}

  @OnEvent(CatCreatedEvent.id)
  handleCatCreated(event: CatCreatedEvent) {
    this.log.record(CatCreatedEvent.id, `new cat: ${event.name}`);
  }
}
