'use strict';

class Library {
  #books = new Map();
  #nextId = 1;

  add(book) {
    const id = String(this.#nextId++);
    const stored = { id, ...book };
    this.#books.set(id, stored);
    return stored;
  }

  all() {
    return [...this.#books.values()];
  }

  byId(id) {
    return this.#books.get(id) ?? null;
  }

  search(term) {
    return this.all().filter((book) => book.title.includes(term));
  }
}

const library = new Library();
library.add({ title: 'Programming Erlang', author: 'Joe Armstrong', year: 2013 });
library.add({ title: 'Node.js Design Patterns', author: 'Mario Casciaro', year: 2020 });

module.exports = { library, Library };
