// An inventory API in the layout many Express generators and tutorials use: this module builds
// the app and exports it (tests import it without listening); server.js requires it, adds what
// only a running server needs, and listens.
const express = require('express');
const { describeItem, restockNotice } = require('./routes/format');
const HitCounter = require('./lib/hit-counter');
const recent = require('./lib/recent');

const app = express();
app.use(express.json());
app.locals.title = 'Inventory';

const items = [{ id: 1, name: 'bolt', stock: 40 }];
const visits = new HitCounter('items');

app.get('/items', (req, res) => {
  visits.hit();
  res.json({ title: app.locals.title, count: items.length, items: items.map(describeItem) });
});

app.post('/items', (req, res) => {
  if (!req.body?.name) return res.status(400).json({ error: 'name is required' });
  const item = { id: items.length + 1, name: String(req.body.name), stock: Number(req.body.stock ?? 0) };
  items.push(item);
  recent.remember(item);
  res.status(201).json(item);
});

app.get('/restock', (req, res) => res.json({ notice: restockNotice('bolt', 100, 3, 'Acme', 'north') }));

app.get('/recent', (req, res) => res.json(recent.describe()));

app.get('/visits', (req, res) => res.json(visits.hit()));

module.exports = app;
