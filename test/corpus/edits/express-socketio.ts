import type { CorpusApp, HttpRequest, SocketIoExchange } from '../lib/types';

/** An event and its acknowledgement over a socket of its own (a client that connects now). */
const fresh = (emit: string, ...args: unknown[]): HttpRequest => ({ path: '/socket.io', socketIo: { emit, args } });
/** An event and its acknowledgement over alice's socket, connected before the edit. */
const alice = (emit: string, ...args: unknown[]): HttpRequest => {
  const socketIo: SocketIoExchange = { socket: 'alice', auth: { name: 'alice' }, emit, args };
  return { path: '/socket.io', socketIo };
};

const joinHandlers = "  socket.on('chat:whoami', whoAmI);\n";
const acked = 'ack({ ok: true, message, room: payload.room });';

/**
 * A chat and a task board over Socket.IO on Express, in the layout its docs give: the server
 * made next to the Express app, a middleware naming each socket's user, each feature's handlers
 * registered per connection by a module of their own (closures over that socket). The rooms in a
 * class's private fields, the tasks in a module's variables. Probes speak over a socket that
 * connected before the edit, as the running app's clients do, which a restart drops.
 */
export const expressSocketio: CorpusApp = {
  dir: 'express-socketio',
  entries: [{ name: 'express-socketio', kind: 'cjs', main: ['server.js'] }],
  health: '/health',
  state: {
    before: [fresh('board:add', 'kept-{n}'), alice('chat:send', { room: 'lobby', text: 'seen-{n}' })],
    probes: [
      { path: '/board', includes: ['"kept-{n}"'] },
      { path: '/rooms/lobby', includes: ['"seen-{n}"'] },
      // The same connection, its data as the middleware set it.
      { ...alice('chat:whoami'), includes: ['"user":"alice"'] },
    ],
  },
  edits: [
    {
      name: 'a chat handler of each connection (a closure over its socket, made when it connected)',
      file: 'handlers/chat.js',
      replace: [['ack({ ok: true, message });', acked]],
      live: [{ ...alice('chat:send', { room: 'lobby', text: 'probe-{n}' }), includes: ['"room":"lobby"'] }],
    },
    {
      name: 'a helper every message goes through (its own module)',
      file: 'lib/format.js',
      replace: [
        [
          '  return { user, text: String(text).trim(), at: Date.now() };',
          '  const said = String(text).trim();\n  return { user, text: said, length: said.length, at: Date.now() };',
        ],
      ],
      live: [{ ...alice('chat:send', { room: 'lobby', text: 'probe-{n}' }), includes: ['"length":7'] }],
    },
    {
      name: "a store's method (the rooms in a class's private fields)",
      file: 'lib/rooms.js',
      replace: [
        [
          '    return this.#room(name).messages.slice(-50);',
          '    return this.#room(name)\n      .messages.slice(-50)\n      .map((message, index) => ({ index, ...message }));',
        ],
      ],
      live: [{ path: '/rooms/lobby', includes: ['"index":0'] }],
    },
    {
      name: 'the socket middleware (io.use at startup): what new connections are named',
      file: 'server.js',
      replace: [["name ? name : 'anonymous';", "name ? name : 'guest';"]],
      live: [{ ...fresh('chat:whoami'), includes: ['"user":"guest"'] }],
    },
    {
      name: 'a board handler written inline in socket.on, per connection',
      file: 'handlers/board.js',
      replace: [
        [
          "ack({ ok: false, error: 'a task needs a title' });",
          "ack({ ok: false, error: 'a task needs a title (got nothing)' });",
        ],
      ],
      live: [{ ...alice('board:add', ' '), includes: ['got nothing'] }],
    },
    {
      name: 'a new event handler registered for each connection, with the store method it calls',
      file: 'lib/rooms.js',
      replace: [['  history(name) {', '  list() {\n    return [...this.#rooms.keys()];\n  }\n\n  history(name) {']],
      also: [
        {
          file: 'handlers/chat.js',
          replace: [
            [joinHandlers, `${joinHandlers}  socket.on('chat:rooms', (ack) => ack({ rooms: rooms.list() }));\n`],
          ],
        },
      ],
      // What a client connecting now gets (one connected before keeps the handlers it was given).
      live: [{ ...fresh('chat:rooms'), includes: ['"rooms":[', '"lobby"'] }],
    },
    {
      name: 'a new REST route next to listen, reading the board',
      file: 'server.js',
      replace: [
        [
          "app.get('/board', (req, res) => res.json({ tasks: board.all() }));",
          "app.get('/board', (req, res) => res.json({ tasks: board.all() }));\napp.get('/board/open', (req, res) => res.json({ open: board.all().filter((task) => !task.done) }));",
        ],
      ],
      live: [{ path: '/board/open', includes: ['"open":[', '"kept-{n}"'] }],
    },
    {
      name: 'board module: a function every task goes through',
      file: 'lib/board.js',
      replace: [
        [
          '  const task = { id: nextId++, title, owner, done: false };',
          '  const task = { id: nextId++, title, owner, done: false, added: new Date().toISOString() };',
        ],
      ],
      live: [{ ...alice('board:add', 'probe-{n}'), includes: ['"title":"probe-{n}"', '"owner":"alice"', '"added":"'] }],
    },
    {
      name: 'syntax error (chat handlers)',
      file: 'handlers/chat.js',
      syntaxError: true,
      replace: [[acked, acked.replace('});', '};')]],
      unchanged: ['/board', '/rooms/lobby'],
    },
    {
      name: 'syntax error fixed',
      file: 'handlers/chat.js',
      replace: [[acked.replace('});', '};'), acked.replace(' });', ', fixed: true });')]],
      live: [{ ...alice('chat:send', { room: 'lobby', text: 'probe-{n}' }), includes: ['"fixed":true'] }],
    },
  ],
};
