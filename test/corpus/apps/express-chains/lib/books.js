const { EventEmitter } = require('node:events');

const events = new EventEmitter();
const store = new Map([[1, { id: 1, title: 'Dune' }]]);
const audit = [];
let nextId = 2;

events.on('created', (book) => {
  audit.push(`created ${book.id}`);
});

function add(title) {
  const book = { id: nextId++, title };
  store.set(book.id, book);
  events.emit('created', book);
  return book;
}

module.exports = { store, audit, add, events };
