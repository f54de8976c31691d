const { EventEmitter } = require('node:events');

// One bus for the whole app: the request logger emits, jobs listen.
module.exports = new EventEmitter();
