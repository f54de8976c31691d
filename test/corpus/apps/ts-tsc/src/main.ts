import express from 'express';
import { eventsRouter } from './routes/events';
import { events } from './store';
import * as db from './db';

const port = Number(process.env.PORT ?? 3000);
const app = express();

app.use(express.json());
app.use('/events', eventsRouter);

app.get('/health', (_req, res) => {
  res.json({ ok: true });
});

app.get('/db', (_req, res) => {
  res.json({ db: db.pool?.driver ?? 'none' });
});

app.get('/', (_req, res) => {
  res.type('text').send(`Event log: ${events.length} events`);
});

void db.connect().then(() => {
  app.listen(port, '127.0.0.1', () => {
    console.log(`event log on http://127.0.0.1:${port}`);
  });
});
