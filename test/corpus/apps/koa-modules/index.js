// Koa split into ES modules, as apps grow: a store module, routers made by factory functions
// that the entry calls once at startup (one where it mounts the router, one bound to a name
// first), and a middleware factory taking options.
import Koa from 'koa';
import { createTodoStore } from './lib/store.js';
import { makeTodoRouter } from './routes/todos.js';
import { makeStatsRouter } from './routes/stats.js';
import { timing } from './middleware/timing.js';

const PORT = Number(process.env.PORT || 3000);

const store = createTodoStore();
store.add('water the plants');

const app = new Koa();

app.use(async (ctx, next) => {
  try {
    await next();
  } catch (err) {
    ctx.status = err.status || 500;
    ctx.body = { error: err.message };
  }
});
app.use(timing({ header: 'X-Response-Time' }));

app.use(async (ctx, next) => {
  if (ctx.path !== '/health') return next();
  ctx.body = 'ok';
});

app.use(makeTodoRouter(store).routes());

const stats = makeStatsRouter(store);
app.use(stats.routes());
app.use(stats.allowedMethods());

const server = app.listen(PORT, '127.0.0.1', () => {
  console.log(`koa-modules listening on http://127.0.0.1:${server.address().port}`);
});
