import { Router } from 'express';
import { formatEvent } from '../format';
import { byKind, events, record } from '../store';

const DEFAULT_KIND = 'info';

export const eventsRouter = Router();

eventsRouter.get('/', (_req, res) => {
  res.json({ events: events.map(formatEvent) });
});

eventsRouter.get('/:kind', (req, res) => {
  res.json({ kind: req.params.kind, events: byKind(req.params.kind).map(formatEvent) });
});

eventsRouter.post('/', (req, res) => {
  const body = req.body as { kind?: string; message?: string } | undefined;
  if (!body?.message) {
    res.status(400).json({ error: 'message is required' });
    return;
  }
  res.status(201).json(record(body.kind ?? DEFAULT_KIND, body.message));
});
