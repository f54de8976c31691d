import { Injectable } from '@nestjs/common';
import { Order } from './order.model';

@Injectable()
export class OrdersRepository {
  private readonly orders = new Map<string, Order>();
  private nextId = 1;

  newId(): string {
    return `o${this.nextId++}`;
  }

  save(order: Order): void {
    this.orders.set(order.id, order);
  }

  find(id: string): Order | undefined {
    return this.orders.get(id);
  }

  all(): Order[] {
    return [...this.orders.values()];
  }
}
