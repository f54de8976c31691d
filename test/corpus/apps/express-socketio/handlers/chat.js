const { rooms } = require('../lib/rooms');
const { formatMessage } = require('../lib/format');

// Called for each connection: its handlers are closures over that socket.
module.exports = (io, socket) => {
  const joinRoom = (room, ack) => {
    socket.join(room);
    rooms.join(room, socket.data.user);
    ack({ ok: true, room, members: rooms.members(room) });
  };

  const sendMessage = (payload, ack) => {
    const message = formatMessage(socket.data.user, payload.text);
    rooms.record(payload.room, message);
    socket.to(payload.room).emit('chat:message', message);
    ack({ ok: true, message });
  };

  const whoAmI = (ack) => {
    ack({ user: socket.data.user, rooms: [...socket.rooms].filter((room) => room !== socket.id) });
  };

  socket.on('chat:join', joinRoom);
  socket.on('chat:send', sendMessage);
  socket.on('chat:whoami', whoAmI);
  socket.on('disconnect', () => rooms.leaveAll(socket.data.user));
};
