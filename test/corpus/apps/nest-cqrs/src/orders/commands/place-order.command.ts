export class PlaceOrderCommand {
  constructor(
    readonly customer: string,
    readonly total: number,
  ) {}
}
