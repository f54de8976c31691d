'use strict';

/** The rooms, their members (the open connections in them) and the history of what was said. */
class Rooms {
  #rooms = new Map();

  #room(name) {
    let room = this.#rooms.get(name);
    if (!room) {
      room = { members: new Set(), history: [] };
      this.#rooms.set(name, room);
    }
    return room;
  }

  join(client, name) {
    this.leave(client);
    client.room = name;
    this.#room(name).members.add(client);
  }

  leave(client) {
    if (client.room) this.#rooms.get(client.room)?.members.delete(client);
  }

  post(name, from, text) {
    const message = { type: 'message', room: name, from, text, at: Date.now() };
    const room = this.#room(name);
    room.history.push(message);
    for (const member of room.members) member.socket.send(JSON.stringify(message));
    return message;
  }

  describe(name) {
    const room = this.#room(name);
    return { members: [...room.members].map((m) => m.name), messages: room.history.map((m) => m.text) };
  }
}

const rooms = new Rooms();
module.exports = { rooms, Rooms };
