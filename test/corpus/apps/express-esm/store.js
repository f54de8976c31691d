// The app's data, in module variables, seeded at startup and changed over HTTP.
import { slugify } from './lib/slug.js';

const notes = new Map();
let nextId = 1;

export function addNote(title, body = '') {
  const note = { id: nextId++, slug: slugify(title), title, body };
  notes.set(note.id, note);
  return note;
}

export function listNotes() {
  return [...notes.values()];
}

export function findNote(id) {
  return notes.get(Number(id));
}

export function stats() {
  return { notes: notes.size };
}

addNote('Welcome', 'The first note.');
addNote('Shopping list', 'Milk, bread.');
