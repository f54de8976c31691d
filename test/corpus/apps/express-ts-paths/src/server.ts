// A TypeScript API as many starters lay one out: imports through a tsconfig path alias
// (`@/services/…`), which tsx resolves, types in a folder of their own.
import express from 'express';
import { requestTimer } from '@/lib/request-timer';
import { tasksRouter } from '@/routes/tasks';

const app = express();
app.use(express.json());
app.use(requestTimer);

app.get('/health', (_req, res) => {
  res.sendStatus(204);
});
app.use('/tasks', tasksRouter);

const port = Number(process.env.PORT ?? 3000);
app.listen(port, '127.0.0.1', () => {
  console.log(`tasks on http://127.0.0.1:${port}`);
});
