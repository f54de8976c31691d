const express = require('express');
const db = require('../db');

const router = express.Router();

router.get('/', (req, res) => {
  res.type('html').send(`<h1>Catalogue</h1><p>${db.books.length} books</p>`);
});

router.get('/health', (req, res) => {
  res.json({ status: 'ok' });
});

module.exports = router;
