export class ShipOrderCommand {
  constructor(
    readonly orderId: string,
    readonly carrier = 'post',
  ) {}
}
