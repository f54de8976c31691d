/** A customer, as the orders placed made them known. */
export class Customer {
  orders = 0;

  constructor(readonly name: string) {}

  label() {
    return `${this.name}: ${this.orders} orders`;
  }
}
