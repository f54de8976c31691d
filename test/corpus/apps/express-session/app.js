// Sessions in express-session's default MemoryStore, as in most tutorials.
const express = require('express');
const session = require('express-session');
const { greet } = require('./lib/greeting');

const SITE_NAME = 'Corner Shop';
const PORT = process.env.PORT ?? 3000;

const app = express();
app.use(express.json());
app.use(
  session({
    secret: 'corpus-secret',
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax' },
  }),
);

app.get('/health', (req, res) => res.sendStatus(204));

app.post('/visit', (req, res) => {
  req.session.views = (req.session.views ?? 0) + 1;
  res.json({ views: req.session.views });
});

app.post('/login', (req, res) => {
  req.session.user = String(req.body?.name ?? 'guest');
  res.json({ user: req.session.user });
});

app.get('/session', (req, res) => {
  res.json({ user: req.session.user ?? null, views: req.session.views ?? 0 });
});

app.get('/', (req, res) => {
  const views = req.session.views ?? 0;
  res.type('text').send(`${SITE_NAME}: ${greet(req.session.user)} You have been here ${views} times.`);
});

app.listen(PORT, '127.0.0.1', () => {
  console.log(`${SITE_NAME} listening on http://127.0.0.1:${PORT}`);
});
