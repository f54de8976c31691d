// In-memory data, seeded when the module loads.
const books = [];
let nextId = 1;

function addBook({ title, author }) {
  const book = { id: nextId++, title, author: author || 'unknown' };
  books.push(book);
  return book;
}

function findBook(id) {
  return books.find((book) => book.id === id);
}

books.push({ id: nextId++, title: 'Dune', author: 'Frank Herbert' });
books.push({ id: nextId++, title: 'Neuromancer', author: 'William Gibson' });
books.push({ id: nextId++, title: 'The Left Hand of Darkness', author: 'Ursula K. Le Guin' });

module.exports = { books, addBook, findBook };
