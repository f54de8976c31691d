/** The chat's rooms: who joined each, and the messages said there, newest last. */
class RoomRegistry {
  #rooms = new Map();

  #room(name) {
    let room = this.#rooms.get(name);
    if (!room) {
      room = { members: new Set(), messages: [] };
      this.#rooms.set(name, room);
    }
    return room;
  }

  join(name, user) {
    this.#room(name).members.add(user);
  }

  leaveAll(user) {
    for (const room of this.#rooms.values()) room.members.delete(user);
  }

  members(name) {
    return [...this.#room(name).members];
  }

  record(name, message) {
    this.#room(name).messages.push(message);
  }

  history(name) {
    return this.#room(name).messages.slice(-50);
  }
}

const rooms = new RoomRegistry();

module.exports = { rooms, RoomRegistry };
