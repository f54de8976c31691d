// Express serving a tRPC API, as T3-style and tRPC-example apps do: the router mounted once with
// the adapter, next to plain Express routes.
import express from 'express';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import { createContext } from './context';
import { appRouter } from './routers';

const app = express();

app.get('/health', (_req, res) => {
  res.json({ ok: true });
});

app.use('/trpc', createExpressMiddleware({ router: appRouter, createContext }));

const port = Number(process.env.PORT) || 3000;
app.listen(port, '127.0.0.1', () => {
  console.log(`tRPC corpus app on http://127.0.0.1:${port}`);
});
