import { Inject, NotFoundException } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { OrdersRepository } from '../orders.repository';
import { GetOrderQuery } from './get-order.query';

@QueryHandler(GetOrderQuery)
export class GetOrderHandler implements IQueryHandler<GetOrderQuery> {
  constructor(@Inject(OrdersRepository) private readonly repository: OrdersRepository) {}

  async execute({ id }: GetOrderQuery) {
    const order = this.repository.find(id);
    if (!order) throw new NotFoundException(`no order ${id}`);
    return { id: order.id, customer: order.customer, total: order.total, status: order.status };
  }
}
