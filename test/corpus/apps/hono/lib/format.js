export function describeBook(book) {
  return `${book.title} by ${book.author}`;
}
