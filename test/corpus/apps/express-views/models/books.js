// The books, kept in memory: an array and the next id.
const shelf = [
  { id: 1, title: 'Dune', price: 999 },
  { id: 2, title: 'Neuromancer', price: 1250 },
];
let nextId = 3;

function all() {
  return [...shelf];
}

function find(id) {
  return shelf.find((book) => book.id === id);
}

function add({ title, price }) {
  const book = { id: nextId++, title, price };
  shelf.push(book);
  return book;
}

module.exports = { all, find, add };
