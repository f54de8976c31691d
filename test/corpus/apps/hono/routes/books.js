// The books sub-app, mounted at /books by the entry; the shelf lives in this module.
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describeBook } from '../lib/format.js';

const books = new Hono();

const shelf = [
  { id: 1, title: 'Dune', author: 'Frank Herbert', year: 1965 },
  { id: 2, title: 'Kindred', author: 'Octavia E. Butler', year: 1979 },
];
let nextId = 3;

books.get('/', (c) => {
  return c.json({ count: shelf.length, books: shelf.map(describeBook) });
});

books.get('/:id', (c) => {
  const book = shelf.find((b) => b.id === Number(c.req.param('id')));
  if (!book) return c.json({ error: 'no such book' }, 404);
  return c.json(book);
});

books.post('/', async (c) => {
  const { title, author = 'unknown', year } = await c.req.json();
  if (!title) throw new HTTPException(400, { message: 'title is required' });
  const book = { id: nextId++, title, author, year: Number(year) || null };
  shelf.push(book);
  return c.json(book, 201);
});

export default books;
