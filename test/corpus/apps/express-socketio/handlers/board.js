const board = require('../lib/board');

module.exports = (io, socket) => {
  socket.on('board:add', (title, ack) => {
    if (typeof title !== 'string' || !title.trim()) {
      ack({ ok: false, error: 'a task needs a title' });
      return;
    }
    const task = board.add(title.trim(), socket.data.user);
    io.emit('board:added', task);
    ack({ ok: true, task });
  });

  socket.on('board:done', (id, ack) => {
    const task = board.complete(id);
    ack(task ? { ok: true, task } : { ok: false, error: 'no such task' });
  });
};
