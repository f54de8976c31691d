'use strict';
// An API behind the middleware stack most production Express apps have: security headers,
// a rate limiter, body validation, a not-found handler and an error handler at the end.
const express = require('express');
const helmet = require('helmet');
const { rateLimit } = require('express-rate-limit');
const notes = require('./routes/notes');
const { problem } = require('./lib/problem');

const app = express();
app.use(helmet({ crossOriginResourcePolicy: { policy: 'same-site' } }));
app.use(express.json());

// The limiter's hit counts live in its memory store, made here once.
const limiter = rateLimit({ windowMs: 60_000, limit: 1000, standardHeaders: 'draft-7', legacyHeaders: false });
app.use('/notes', limiter);

app.get('/health', (req, res) => res.json({ ok: true }));
app.get('/boom', () => {
  throw new Error('kaboom');
});
app.use('/notes', notes);

app.use((req, res) => {
  res.status(404).json(problem(404, `no route for ${req.method} ${req.path}`));
});

// eslint-disable-next-line no-unused-vars
app.use((err, req, res, next) => {
  res.status(500).json(problem(500, err.message));
});

const port = Number(process.env.PORT ?? 3000);
app.listen(port, '127.0.0.1', () => console.log(`listening on ${port}`));
