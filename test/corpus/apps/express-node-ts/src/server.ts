// TypeScript that Node runs itself (`node src/server.ts`, Node ≥ 22.18): types erased, no build.
import express, { type Request, type Response } from 'express';
import { settings } from './settings.ts';
import { requestLog } from './lib/request-log.ts';
import { todosRouter } from './routes/todos.ts';

const app = express();
app.use(express.json());
app.use(requestLog);

app.get('/health', (_req: Request, res: Response) => {
  res.json({ ok: true });
});

app.use('/todos', todosRouter);

app.listen(settings.port, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${settings.port}`);
});
