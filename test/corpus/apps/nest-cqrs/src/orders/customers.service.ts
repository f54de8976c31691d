import { Injectable } from '@nestjs/common';
import { Customer } from './customer';

@Injectable()
export class CustomersService {
  private readonly customers = new Map<string, Customer>();

  ordered(name: string): void {
    const customer = this.customers.get(name) ?? new Customer(name);
    customer.orders++;
    this.customers.set(name, customer);
  }

  labels(): string[] {
    return [...this.customers.values()].map((customer) => customer.label());
  }
}
