// The Express + TypeScript starter most tutorials give: `ts-node src/index.ts` (nodemon runs
// it again on each change), CommonJS, default imports through esModuleInterop.
import express, { type Request, type Response } from 'express';
import config from './config';
import { requestCounter } from './middleware/request-counter';
import { errorHandler } from './middleware/error-handler';
import { usersRouter } from './routes/users.routes';

const app = express();
app.use(express.json());
app.use(requestCounter);

app.get('/health', (_req: Request, res: Response) => {
  res.json({ status: 'ok', pageSize: config.pageSize });
});

app.use('/api/users', usersRouter);
app.use(errorHandler);

app.listen(config.port, '127.0.0.1', () => {
  console.log(`server listening on http://127.0.0.1:${config.port}`);
});
