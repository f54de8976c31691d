export class GetOrderQuery {
  constructor(readonly id: string) {}
}
