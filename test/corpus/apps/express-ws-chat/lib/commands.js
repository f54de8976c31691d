'use strict';
const { rooms } = require('./rooms');

function reply(client, message) {
  client.socket.send(JSON.stringify(message));
}

/** What a client can ask for, by the message's type. */
const commands = {
  join(client, { room, name }) {
    client.name = String(name ?? 'anonymous');
    rooms.join(client, String(room ?? 'lobby'));
    reply(client, { type: 'joined', room: client.room, name: client.name });
  },
  say(client, { text }) {
    if (!client.room) return reply(client, { type: 'error', error: 'join a room first' });
    const message = rooms.post(client.room, client.name, String(text ?? ''));
    reply(client, { type: 'said', at: message.at });
  },
};

function handle(client, message) {
  const command = commands[message.type];
  if (!command) return reply(client, { type: 'error', error: `unknown type ${message.type}` });
  command(client, message);
}

module.exports = { handle };
