// A small library catalogue: routers in routes/, data in db.js.
const express = require('express');
const books = require('./routes/books');
const pages = require('./routes/pages');

const port = process.env.PORT || 3000;
const app = express();

app.use(express.json());
app.use('/api/books', books);
app.use('/', pages);

app.use((err, req, res, _next) => {
  console.error(err);
  res.status(500).json({ error: 'internal error' });
});

app.listen(port, '127.0.0.1', () => {
  console.log(`catalogue listening on http://127.0.0.1:${port}`);
});
