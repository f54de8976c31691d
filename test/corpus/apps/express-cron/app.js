// Scheduled jobs next to an Express API, as many apps run their housekeeping: node-cron jobs
// declared at startup in a module of their own, each recording its runs in a stats module.
const express = require('express');
const cron = require('node-cron');
require('./jobs');
const notes = require('./notes');
const stats = require('./stats');

const app = express();
app.use(express.json());

app.get('/health', (req, res) => res.json({ ok: true }));

app.get('/jobs', (req, res) => {
  res.json({ tasks: cron.getTasks().size, jobs: stats.snapshot() });
});

app.get('/notes', (req, res) => res.json({ notes: notes.all() }));

app.post('/notes', (req, res) => {
  const note = notes.add(String(req.body.text ?? ''));
  res.status(201).json(note);
});

const port = Number(process.env.PORT ?? 3000);
app.listen(port, '127.0.0.1', () => console.log(`jobs on http://127.0.0.1:${port}`));
