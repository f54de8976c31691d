export class OrderShippedEvent {
  constructor(
    readonly orderId: string,
    readonly carrier: string,
  ) {}
}
