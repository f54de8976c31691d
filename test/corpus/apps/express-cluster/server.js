// An Express API run as a cluster, as apps that use every core start themselves (pm2's cluster
// mode and throng do the same): the primary forks the workers and starts one again when one
// dies; each worker builds the app inline, in its branch of the `if`, and listens on the port
// the primary shares among them.
const cluster = require('node:cluster');

const WORKERS = Number(process.env.WEB_CONCURRENCY || 1);

if (cluster.isPrimary) {
  for (let i = 0; i < WORKERS; i++) cluster.fork();
  cluster.on('exit', (worker, code) => {
    if (worker.exitedAfterDisconnect) return;
    console.error(`worker ${worker.process.pid} exited with ${code}, starting another`);
    cluster.fork();
  });
} else {
  const express = require('express');
  const notes = require('./notes');
  const { requestLog, recent } = require('./request-log');

  const app = express();
  const startedAt = new Date().toISOString();
  let served = 0;

  app.use(express.json());
  app.use(requestLog);
  app.use((req, res, next) => {
    served++;
    next();
  });

  app.get('/health', (req, res) => res.json({ ok: true }));

  app.get('/status', (req, res) => {
    res.json({ pid: process.pid, served, startedAt });
  });

  app.get('/log', (req, res) => {
    res.json(recent.slice(-5));
  });

  app.get('/notes', (req, res) => {
    res.json(notes.all());
  });

  app.post('/notes', (req, res) => {
    if (typeof req.body?.text !== 'string') return res.status(400).json({ error: 'text is required' });
    res.status(201).json(notes.add(req.body.text));
  });

  app.listen(Number(process.env.PORT || 3000), '127.0.0.1', () => {
    console.log(`worker ${process.pid} listening on http://127.0.0.1:${process.env.PORT || 3000}`);
  });
}
