'use strict';

class Notes {
  #notes = [];
  #nextId = 1;

  add(text) {
    const note = { id: this.#nextId++, text };
    this.#notes.push(note);
    return note;
  }

  list() {
    return [...this.#notes];
  }
}

module.exports = new Notes();
