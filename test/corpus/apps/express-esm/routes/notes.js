import { Router } from 'express';
import * as store from '../store.js';

const router = Router();

router.get('/', (req, res) => {
  res.json({ count: store.listNotes().length, notes: store.listNotes().map((n) => n.title) });
});

router.post('/', (req, res) => {
  const note = store.addNote(String(req.body?.title ?? 'untitled'), req.body?.body);
  res.status(201).json(note);
});

router.get('/:id', (req, res) => {
  const note = store.findNote(req.params.id);
  if (!note) return res.status(404).json({ error: 'no such note' });
  res.json(note);
});

export default router;
