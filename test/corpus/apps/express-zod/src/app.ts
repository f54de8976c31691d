import express, { type ErrorRequestHandler } from 'express';
import { notesRouter } from './notes/note.routes.js';
import { todosRouter } from './todos/todo.routes.js';
import { HttpError } from './lib/http-error.js';

export const app = express();
app.use(express.json());

app.get('/health', (req, res) => {
  res.json({ status: 'ok' });
});

app.use('/todos', todosRouter);
app.use('/notes', notesRouter);

app.use((req, res) => {
  res.status(404).json({ error: `no route for ${req.method} ${req.path}` });
});

const errorHandler: ErrorRequestHandler = (err, req, res, next) => {
  const status = err instanceof HttpError ? err.status : 500;
  res.status(status).json({ error: err instanceof Error ? err.message : String(err) });
};
app.use(errorHandler);
