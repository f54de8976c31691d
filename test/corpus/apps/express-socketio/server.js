// A chat and a task board over Socket.IO on Express, laid out as its docs lay an app out: the
// server made next to the Express app, a middleware naming each socket's user, and each
// feature's handlers registered per connection by a module of their own.
const http = require('node:http');
const express = require('express');
const { Server } = require('socket.io');
const registerChatHandlers = require('./handlers/chat');
const registerBoardHandlers = require('./handlers/board');
const { rooms } = require('./lib/rooms');
const board = require('./lib/board');

const app = express();
const server = http.createServer(app);
const io = new Server(server);

io.use((socket, next) => {
  const name = socket.handshake.auth?.name;
  socket.data.user = typeof name === 'string' && name ? name : 'anonymous';
  next();
});

const onConnection = (socket) => {
  registerChatHandlers(io, socket);
  registerBoardHandlers(io, socket);
};
io.on('connection', onConnection);

app.get('/health', (req, res) => res.json({ ok: true }));
app.get('/rooms/:room', (req, res) => res.json({ room: req.params.room, messages: rooms.history(req.params.room) }));
app.get('/board', (req, res) => res.json({ tasks: board.all() }));

const port = Number(process.env.PORT ?? 3000);
server.listen(port, '127.0.0.1', () => console.log(`chat on http://127.0.0.1:${port}`));
