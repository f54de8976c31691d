// An Express API whose setup waits for its data source before it listens, inside an async main
// called where it is written, as many apps start: routes inline next to `listen`, a cache of
// the lookups made while it runs, the books in a module of their own.
const express = require('express');
const db = require('./db');

(async () => {
  await db.connect();
  const app = express();
  const lookups = new Map();

  app.use(express.json());

  app.get('/health', (req, res) => res.json({ ok: true, connected: db.isConnected() }));

  app.get('/books', async (req, res) => {
    res.json(await db.books());
  });

  app.get('/books/:id', async (req, res) => {
    const id = Number(req.params.id);
    lookups.set(id, (lookups.get(id) ?? 0) + 1);
    const book = await db.book(id);
    if (!book) return res.status(404).json({ error: `no book ${id}` });
    res.json({ ...book, lookups: lookups.get(id) });
  });

  app.post('/books', async (req, res) => {
    if (typeof req.body?.title !== 'string') return res.status(400).json({ error: 'title is required' });
    res.status(201).json(await db.addBook(req.body.title));
  });

  const port = Number(process.env.PORT || 3000);
  app.listen(port, '127.0.0.1', () => console.log(`books on http://127.0.0.1:${port}`));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
