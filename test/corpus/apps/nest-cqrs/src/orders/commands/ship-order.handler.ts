import { Inject, NotFoundException } from '@nestjs/common';
import { CommandHandler, EventPublisher, ICommandHandler } from '@nestjs/cqrs';
import { OrdersRepository } from '../orders.repository';
import { ShipOrderCommand } from './ship-order.command';

@CommandHandler(ShipOrderCommand)
export class ShipOrderHandler implements ICommandHandler<ShipOrderCommand> {
  constructor(
    @Inject(OrdersRepository) private readonly repository: OrdersRepository,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
  ) {}

  async execute({ orderId, carrier }: ShipOrderCommand) {
    const found = this.repository.find(orderId);
    if (!found) throw new NotFoundException(`no order ${orderId}`);
    const order = this.publisher.mergeObjectContext(found);
    order.ship(carrier);
    order.commit();
  }
}
