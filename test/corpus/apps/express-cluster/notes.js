// The notes, in this worker's memory (a real cluster keeps them in a database the workers share).
const notes = [];
let nextId = 1;

function add(text) {
  const note = { id: nextId++, text: text.trim(), at: new Date().toISOString() };
  notes.push(note);
  return note;
}

function all() {
  return notes;
}

module.exports = { add, all };
