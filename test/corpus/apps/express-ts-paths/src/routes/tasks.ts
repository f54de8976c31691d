import { Router } from 'express';
import { addTask, completeTask, listTasks } from '@/services/task-service';

export const tasksRouter = Router();

tasksRouter.get('/', (_req, res) => {
  res.json({ tasks: listTasks() });
});

tasksRouter.post('/', (req, res) => {
  const title = String(req.body?.title ?? '').trim();
  if (!title) {
    res.status(400).json({ error: 'title is required' });
    return;
  }
  res.status(201).json(addTask({ title }));
});

tasksRouter.post('/:id/done', (req, res) => {
  const task = completeTask(Number(req.params.id));
  if (!task) {
    res.status(404).json({ error: 'no such task' });
    return;
  }
  res.json(task);
});
