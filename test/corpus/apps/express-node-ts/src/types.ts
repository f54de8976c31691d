// An enum's erasable form (Node strips types but runs no enum): an object `as const` and its type.
export const Priority = {
  Low: 'low',
  High: 'high',
} as const;
export type Priority = (typeof Priority)[keyof typeof Priority];

export interface Todo {
  id: number;
  title: string;
  priority: Priority;
  done: boolean;
}
