// A todo API on Express whose services and controllers come from tsyringe's container: compiled
// by tsc (decorator metadata), or run as it is with tsx (the injected tokens named by @inject).
import 'reflect-metadata';
import express from 'express';
import { container } from 'tsyringe';
import { RequestLog } from './lib/request-log';
import { todosRouter } from './routes/todos';

const app = express();
app.use(express.json());

// Resolved once, here: its middleware is a field of the instance the container keeps.
const requestLog = container.resolve(RequestLog);
app.use(requestLog.middleware);

app.use('/todos', todosRouter(container));
app.get('/log', (_req, res) => {
  res.json({ recent: requestLog.recent(10) });
});
app.get('/health', (_req, res) => {
  res.json({ ok: true });
});

const port = Number(process.env.PORT ?? 3000);
app.listen(port, '127.0.0.1', () => console.log(`todos on http://127.0.0.1:${port}`));
