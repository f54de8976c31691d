// Server-rendered pages, as the MDN Local Library and many admin tools are made: a view engine
// set once at startup (EJS), controllers rendering views with data from a model module,
// template helpers put in app.locals once, a res.locals middleware the layout reads, a form
// post answered with a redirect, and a 404 page rendered by the last middleware.
const path = require('node:path');
const express = require('express');
const catalog = require('./controllers/catalog');
const { formatPrice, shout } = require('./lib/helpers');

const app = express();
app.set('views', path.join(__dirname, 'views'));
app.set('view engine', 'ejs');
app.use(express.urlencoded({ extended: false }));
app.use(express.json());

app.locals.siteName = 'Bookshop';
app.locals.formatPrice = formatPrice;
app.locals.shout = shout;

app.use((req, res, next) => {
  res.locals.year = 2026;
  res.locals.path = req.path;
  next();
});

app.get('/', (req, res) => res.redirect('/books'));
app.get('/books', catalog.bookList);
app.get('/books/:id', catalog.bookDetail);
app.post('/books', catalog.bookCreate);
app.get('/health', (req, res) => res.json({ ok: true }));

app.use((req, res) => res.status(404).render('not-found', { title: 'Not found' }));

const port = Number(process.env.PORT ?? 3000);
app.listen(port, '127.0.0.1', () => console.log(`bookshop on http://127.0.0.1:${port}`));
