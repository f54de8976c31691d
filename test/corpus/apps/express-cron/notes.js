const notes = [];
let nextId = 1;

function add(text) {
  const note = { id: nextId++, text, at: Date.now(), archived: false };
  notes.push(note);
  return note;
}

function all() {
  return notes.filter((note) => !note.archived);
}

function archiveOlderThan(ms) {
  let archived = 0;
  for (const note of notes) {
    if (!note.archived && Date.now() - note.at > ms) {
      note.archived = true;
      archived++;
    }
  }
  return archived;
}

module.exports = { add, all, archiveOlderThan };
