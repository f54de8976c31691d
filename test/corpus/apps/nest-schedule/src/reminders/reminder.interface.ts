export interface Reminder {
  id: number;
  text: string;
  dueAt: number;
  done: boolean;
}
