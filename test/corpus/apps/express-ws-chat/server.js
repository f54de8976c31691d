'use strict';
const express = require('express');
const { WebSocketServer } = require('ws');
const { rooms } = require('./lib/rooms');
const { handle } = require('./lib/commands');

const app = express();
app.use(express.json());

app.get('/health', (req, res) => res.json({ ok: true }));
app.get('/rooms/:room', (req, res) => res.json(rooms.describe(req.params.room)));
app.post('/rooms/:room/messages', (req, res) => {
  const message = rooms.post(req.params.room, 'http', String(req.body.text ?? ''));
  res.status(201).json(message);
});

const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, '127.0.0.1', () => console.log(`chat on http://127.0.0.1:${port}`));

// Real-time clients: each connection gets its own state and its own message listener, made
// when it opened and kept for as long as it stays open.
const wss = new WebSocketServer({ server, path: '/chat' });
wss.on('connection', (socket) => {
  const client = { socket, name: 'anonymous', room: null };
  socket.on('message', (data) => {
    let message;
    try {
      message = JSON.parse(String(data));
    } catch {
      socket.send(JSON.stringify({ type: 'error', error: 'not JSON' }));
      return;
    }
    handle(client, message);
  });
  socket.on('close', () => rooms.leave(client));
});
