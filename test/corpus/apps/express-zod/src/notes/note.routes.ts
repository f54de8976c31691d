import { Router } from 'express';
import { validateBody } from '../lib/validate.js';
import { NoteSchema } from './note.schema.js';
import { noteStore } from './note.service.js';

export const notesRouter = Router();

notesRouter.get('/', (req, res) => {
  res.json(noteStore.notes);
});

notesRouter.post('/', validateBody(NoteSchema), (req, res) => {
  res.status(201).json(noteStore.add(req.body));
});
