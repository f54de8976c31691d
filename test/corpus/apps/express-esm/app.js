// An Express 5 app written as ES modules: routers in their own files, a store module, an
// entry that is importable by tests (it listens only when run directly) and logs requests.
import express from 'express';
import { fileURLToPath } from 'node:url';
import notes from './routes/notes.js';
import { router as tags } from './routes/tags.js';
import './lib/tag-admin.js';
import { titleLimit } from './lib/limits.js';
import { MAX_RESULTS, MESSAGES, PAGE_SIZE } from './lib/settings.js';
import * as db from './lib/db.js';
import { stats } from './store.js';

const PORT = Number(process.env.PORT ?? 3000);
const SERVICE = 'notes';

export const app = express();
app.use(express.json());

let requests = 0;
app.use((req, res, next) => {
  requests++;
  next();
});

app.get('/health', (req, res) => res.json({ ok: true }));

app.get('/about', (req, res) => {
  res.json({ service: SERVICE, requests, db: db.pool?.driver ?? 'none', ...stats() });
});

app.get('/settings', (req, res) => {
  res.json({ pageSize: PAGE_SIZE, maxResults: MAX_RESULTS, welcome: MESSAGES.welcome });
});

app.use('/notes', titleLimit);
app.use('/notes', notes);
app.use('/tags', tags);

app.use((err, req, res, next) => {
  res.status(500).json({ error: err.message });
});

// Listen only when run directly, as apps that tests import do.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await db.connect();
  app.listen(PORT, '127.0.0.1', () => console.log(`express-esm listening on http://127.0.0.1:${PORT}`));
}
