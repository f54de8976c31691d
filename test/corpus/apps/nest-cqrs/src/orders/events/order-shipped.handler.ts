import { Inject } from '@nestjs/common';
import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { ActivityLog } from '../activity-log.service';
import { OrderShippedEvent } from './order-shipped.event';

@EventsHandler(OrderShippedEvent)
export class OrderShippedHandler implements IEventHandler<OrderShippedEvent> {
  constructor(@Inject(ActivityLog) private readonly log: ActivityLog) {}

  handle(event: OrderShippedEvent) {
    this.log.note(`order ${event.orderId} shipped by ${event.carrier}`);
  }
}
