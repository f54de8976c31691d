import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { OrdersRepository } from '../orders.repository';
import { ListOrdersQuery } from './list-orders.query';

@QueryHandler(ListOrdersQuery)
export class ListOrdersHandler implements IQueryHandler<ListOrdersQuery> {
  constructor(@Inject(OrdersRepository) private readonly repository: OrdersRepository) {}

  async execute({ status }: ListOrdersQuery) {
    const orders = this.repository.all().filter((order) => !status || order.status === status);
    return orders.map((order) => order.summary());
  }
}
