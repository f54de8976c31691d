export class ListOrdersQuery {
  constructor(readonly status?: string) {}
}
