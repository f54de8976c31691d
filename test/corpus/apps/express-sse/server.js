'use strict';
// A live feed over server-sent events, as dashboards, notifications and progress bars stream
// updates without WebSockets: each subscriber's response stays open, a heartbeat timer per
// subscriber keeps proxies from closing it, and every item published is written to all of them.
const express = require('express');
const feed = require('./lib/feed');
const { openStream, formatEvent } = require('./lib/sse');

const app = express();
app.use(express.json());

/** The open streams, by subscriber id. */
const subscribers = new Map();
let nextSubscriber = 1;

function broadcast(type, data) {
  for (const subscriber of subscribers.values()) subscriber.res.write(formatEvent(type, data));
}

feed.on('published', (item) => broadcast('item', item));

app.get('/health', (req, res) => res.json({ ok: true, subscribers: subscribers.size }));

app.get('/events', (req, res) => {
  openStream(res);
  const subscriber = { id: nextSubscriber++, res, since: Date.now() };
  subscribers.set(subscriber.id, subscriber);
  res.write(formatEvent('hello', { subscriber: subscriber.id, recent: feed.recent(3) }));
  const heartbeat = setInterval(() => {
    res.write(': keep-alive\n\n');
  }, 250);
  req.on('close', () => {
    clearInterval(heartbeat);
    subscribers.delete(subscriber.id);
  });
});

app.get('/items', (req, res) => res.json({ items: feed.recent(Number(req.query.limit ?? 50)) }));

app.post('/items', (req, res) => {
  const text = String(req.body.text ?? '').trim();
  if (!text) {
    res.status(400).json({ error: 'an item needs a text' });
    return;
  }
  res.status(201).json(feed.publish({ text, author: String(req.body.author ?? 'anonymous') }));
});

const port = Number(process.env.PORT ?? 3000);
app.listen(port, '127.0.0.1', () => console.log(`feed on http://127.0.0.1:${port}`));
