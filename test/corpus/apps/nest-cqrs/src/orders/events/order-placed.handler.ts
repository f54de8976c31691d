import { Inject } from '@nestjs/common';
import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { ActivityLog } from '../activity-log.service';
import { OrderPlacedEvent } from './order-placed.event';

@EventsHandler(OrderPlacedEvent)
export class OrderPlacedHandler implements IEventHandler<OrderPlacedEvent> {
  constructor(@Inject(ActivityLog) private readonly log: ActivityLog) {}

  handle(event: OrderPlacedEvent) {
    this.log.note(`order ${event.orderId} placed`);
  }
}
