// Routes by file name, as file-system routers do: each module of routes/ is imported at startup
// and its default export mounted at /<name>. Nothing imports them by name.
import express from 'express';
import { readdir } from 'node:fs/promises';
import { Stats } from './lib/stats.js';

const app = express();
app.use(express.json());
app.use((req, res, next) => {
  Stats.record(req.path);
  next();
});
app.get('/health', (req, res) => res.json({ ok: true }));

const routes = new URL('./routes/', import.meta.url);
for (const name of (await readdir(routes)).filter((file) => file.endsWith('.js')).sort()) {
  const { default: route } = await import(new URL(name, routes).href);
  app.use(`/${name.slice(0, -'.js'.length)}`, route);
}

const port = Number(process.env.PORT ?? 3000);
app.listen(port, '127.0.0.1', () => console.log(`listening on ${port}`));
