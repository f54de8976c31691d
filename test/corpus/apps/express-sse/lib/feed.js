'use strict';
const { EventEmitter } = require('node:events');

/** The items published so far, newest last; an event for each one published. */
class Feed extends EventEmitter {
  #items = [];
  #nextId = 1;

  publish({ text, author }) {
    const item = { id: this.#nextId++, text, author, at: new Date().toISOString() };
    this.#items.push(item);
    this.emit('published', item);
    return item;
  }

  recent(limit) {
    return this.#items.slice(-limit).reverse();
  }
}

module.exports = new Feed();
