import type { NewTask, Task } from '@/types/task';

const tasks: Task[] = [{ id: 1, title: 'Write the README', done: false }];
let nextId = 2;

export function listTasks(): Task[] {
  return tasks;
}

export function addTask(input: NewTask): Task {
  const task: Task = { id: nextId++, title: input.title, done: false };
  tasks.push(task);
  return task;
}

export function completeTask(id: number): Task | undefined {
  const task = tasks.find((t) => t.id === id);
  if (task) task.done = true;
  return task;
}
