const express = require('express');
const db = require('../db');
const { describeBook } = require('../lib/format');

const router = express.Router();

router.get('/', (req, res) => {
  res.json({ count: db.books.length, books: db.books.map(describeBook) });
});

router.get('/:id', (req, res) => {
  const book = db.findBook(Number(req.params.id));
  if (!book) return res.status(404).json({ error: 'not found' });
  res.json(book);
});

router.post('/', (req, res) => {
  if (!req.body?.title) return res.status(400).json({ error: 'title is required' });
  res.status(201).json(db.addBook(req.body));
});

module.exports = router;
