export class CatCreatedEvent {
  static readonly id = 'cat.created';

  constructor(
    readonly name: string,
    readonly age: number,
  ) {}
}
