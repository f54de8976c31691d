import { BadRequestException, Inject } from '@nestjs/common';
import { CommandHandler, EventPublisher, ICommandHandler } from '@nestjs/cqrs';
import { Order } from '../order.model';
import { OrdersRepository } from '../orders.repository';
import { PlaceOrderCommand } from './place-order.command';

@CommandHandler(PlaceOrderCommand)
export class PlaceOrderHandler implements ICommandHandler<PlaceOrderCommand> {
  constructor(
    @Inject(OrdersRepository) private readonly repository: OrdersRepository,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
  ) {}

  async execute({ customer, total }: PlaceOrderCommand) {
    if (!customer) throw new BadRequestException('an order needs a customer');
    const order = this.publisher.mergeObjectContext(new Order(this.repository.newId(), customer, total));
    order.place();
    this.repository.save(order);
    order.commit();
    return { id: order.id, status: order.status };
  }
}
