import { AggregateRoot } from '@nestjs/cqrs';
import { OrderPlacedEvent } from './events/order-placed.event';
import { OrderShippedEvent } from './events/order-shipped.event';

export type OrderStatus = 'placed' | 'shipped';

/** An order: what changes it is applied as an event, which commit() publishes. */
export class Order extends AggregateRoot {
  status: OrderStatus = 'placed';

  constructor(
    readonly id: string,
    readonly customer: string,
    readonly total: number,
  ) {
    super();
  }

  place() {
    this.apply(new OrderPlacedEvent(this.id, this.customer, this.total));
  }

  ship(carrier: string) {
    if (this.status === 'shipped') return;
    this.status = 'shipped';
    this.apply(new OrderShippedEvent(this.id, carrier));
  }

  summary() {
    return `${this.id} for ${this.customer}: ${this.status}`;
  }
}
