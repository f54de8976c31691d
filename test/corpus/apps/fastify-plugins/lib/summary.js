function summarize(note, width = 24) {
  const text = note.title.length > width ? `${note.title.slice(0, width - 1)}…` : note.title;
  return `${note.id}: ${text}`;
}

module.exports = { summarize };
