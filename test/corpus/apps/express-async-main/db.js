// A stand-in for a database client: connect() before use, then async queries.
const rows = [
  { id: 1, title: 'Dune' },
  { id: 2, title: 'Solaris' },
];
let connected = false;

async function connect() {
  await new Promise((resolve) => setTimeout(resolve, 10));
  connected = true;
}

function isConnected() {
  return connected;
}

async function books() {
  return rows;
}

async function book(id) {
  return rows.find((row) => row.id === id);
}

async function addBook(title) {
  const row = { id: rows.length + 1, title: title.trim() };
  rows.push(row);
  return row;
}

module.exports = { connect, isConnected, books, book, addBook };
