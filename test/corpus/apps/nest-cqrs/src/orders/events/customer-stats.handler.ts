import { Inject } from '@nestjs/common';
import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { CustomersService } from '../customers.service';
import { OrderPlacedEvent } from './order-placed.event';

/** A second handler of the same event: the bus calls both. */
@EventsHandler(OrderPlacedEvent)
export class CustomerStatsHandler implements IEventHandler<OrderPlacedEvent> {
  constructor(@Inject(CustomersService) private readonly customers: CustomersService) {}

  handle(event: OrderPlacedEvent) {
    this.customers.ordered(event.customer);
  }
}
