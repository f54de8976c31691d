import type { CorpusApp, HttpRequest } from '../lib/types';

/** A message over the connection the app accepted before the edit (opened by the state setup). */
const overMemberSocket = (message: object, reply: string): HttpRequest => ({
  path: '/chat',
  websocket: { socket: 'member', send: JSON.stringify(message), reply },
});
const said = "reply(client, { type: 'said', at: message.at });";
const counted = "reply(client, { type: 'said', at: message.at, count: rooms.describe(client.room).messages.length });";
const brokenCounted =
  "reply(client, { type: 'said', at: message.at, count: rooms.describe(client.room).messages.length };";

/**
 * A real-time app: Express and a `ws` WebSocketServer on one HTTP server. Each connection gets
 * its own state and its own message listener (a closure made when it opened), which hands each
 * message to an object of commands; the rooms, their members and history live in a class's
 * private fields. The probes speak over a connection opened before the edit: what Erlang calls
 * a running process taking new code.
 */
export const expressWsChat: CorpusApp = {
  dir: 'express-ws-chat',
  entries: [{ name: 'express-ws-chat', kind: 'cjs', main: ['server.js'] }],
  health: '/health',
  state: {
    before: [
      overMemberSocket({ type: 'join', room: 'lobby', name: 'kept-{n}' }, '"type":"joined"'),
      { method: 'POST', path: '/rooms/lobby/messages', body: { text: 'note-{n}' } },
    ],
    // The member is in the room only while its connection is open.
    probes: [{ path: '/rooms/lobby', includes: ['"kept-{n}"', '"note-{n}"'] }],
  },
  edits: [
    {
      name: "a command's reply, in an object of commands",
      file: 'lib/commands.js',
      replace: [[said, counted]],
      live: [{ ...overMemberSocket({ type: 'say', text: 'probe-{n}' }, '"type":"said"'), includes: ['"count":'] }],
    },
    {
      name: 'a new command, asked over a connection opened before the edit',
      file: 'lib/commands.js',
      replace: [
        [
          '  say(client, { text }) {',
          "  who(client) {\n    reply(client, { type: 'members', names: rooms.describe(client.room).members });\n  },\n  say(client, { text }) {",
        ],
      ],
      live: [{ ...overMemberSocket({ type: 'who' }, '"type":"members"'), includes: ['"kept-{n}"'] }],
    },
    {
      name: 'the message listener each connection registered when it opened',
      file: 'server.js',
      replace: [
        [
          '    handle(client, message);',
          "    if (message.type === 'ping') {\n      socket.send(JSON.stringify({ type: 'pong', name: client.name }));\n      return;\n    }\n    handle(client, message);",
        ],
      ],
      live: [{ ...overMemberSocket({ type: 'ping' }, '"type":"pong"'), includes: ['"name":"kept-{n}"'] }],
    },
    {
      name: 'a method of the class holding the rooms (private fields)',
      file: 'lib/rooms.js',
      replace: [
        [
          'return { members: [...room.members].map((m) => m.name), messages: room.history.map((m) => m.text) };',
          'return {\n      members: [...room.members].map((m) => m.name),\n      messages: room.history.map((m) => m.text),\n      count: room.history.length,\n    };',
        ],
      ],
      live: [{ path: '/rooms/lobby', includes: ['"count":'] }],
    },
    {
      name: 'a helper every command replies through',
      file: 'lib/commands.js',
      replace: [
        [
          'client.socket.send(JSON.stringify(message));',
          'client.socket.send(JSON.stringify({ ...message, room: client.room }));',
        ],
      ],
      live: [{ ...overMemberSocket({ type: 'who' }, '"type":"members"'), includes: ['"room":"lobby"'] }],
    },
    {
      name: 'syntax error',
      file: 'lib/commands.js',
      syntaxError: true,
      replace: [[counted, brokenCounted]],
      unchanged: ['/rooms/lobby'],
    },
    {
      name: 'syntax error fixed',
      file: 'lib/commands.js',
      replace: [[brokenCounted, "reply(client, { type: 'said', at: message.at, fixed: true });"]],
      live: [{ ...overMemberSocket({ type: 'say', text: 'probe-{n}' }, '"type":"said"'), includes: ['"fixed":true'] }],
    },
  ],
};
