const bus = require('../events/bus');

const byPath = new Map();
let ticks = 0;

function onRequest({ path }) {
  byPath.set(path, (byPath.get(path) ?? 0) + 1);
}

bus.on('request', onRequest);

function start() {
  const timer = setInterval(() => {
    ticks += 1;
  }, 50);
  timer.unref();
}

function snapshot() {
  return { ticks, paths: Object.fromEntries(byPath) };
}

module.exports = { start, snapshot };
