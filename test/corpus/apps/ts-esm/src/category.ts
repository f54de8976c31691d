// A string enum: tsc makes it a variable that a function fills in.
export enum Category {
  Books = 'books',
  Games = 'games',
}

export function isCategory(value: unknown): value is Category {
  return Object.values(Category).includes(value as Category);
}
