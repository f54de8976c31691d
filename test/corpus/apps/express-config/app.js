// An articles API whose settings live in modules of their own: config/ (from the environment,
// with defaults), lib/constants.js (exported one by one), lib/messages.js (a frozen object),
// lib/rules.js (described at startup from constants it took).
const express = require('express');
const config = require('./config');
const messages = require('./lib/messages');
const articles = require('./routes/articles');
const rules = require('./lib/rules');

const app = express();
app.use(express.json());

app.get('/health', (req, res) => res.send('ok'));
app.get('/', (req, res) => res.json({ message: messages.welcome, app: messages.appName, env: config.env }));
app.get('/settings', (req, res) => res.json({ pagination: config.pagination }));
app.get('/rules', (req, res) => res.json(rules));
app.use('/articles', articles);

app.use((err, req, res, _next) => {
  console.error(err);
  res.status(500).json({ error: messages.serverError });
});

app.listen(config.port, '127.0.0.1', () => {
  console.log(`articles listening on http://127.0.0.1:${config.port}`);
});
