const express = require('express');
const config = require('../config');
const constants = require('../lib/constants');
const messages = require('../lib/messages');
const store = require('../store/articles');

const router = express.Router();

function requireWriter(req, res, next) {
  const role = String(req.query.role || 'editor');
  if (!constants.ROLES.includes(role)) return res.status(403).json({ error: `a ${role} may not write articles` });
  next();
}

router.get('/', (req, res) => {
  const { limit: defaultLimit, max } = config.pagination;
  const limit = Math.min(Number(req.query.limit) || defaultLimit, max);
  const offset = Number(req.query.offset) || 0;
  res.json({ items: store.page(offset, limit), limit, total: store.count() });
});

router.get('/by-title/:title', (req, res) => {
  const article = store.byTitle(req.params.title);
  if (!article) return res.status(404).json({ error: messages.notFound });
  res.json(article);
});

router.post('/', requireWriter, (req, res) => {
  const title = String(req.body.title || '').trim();
  if (!title) return res.status(400).json({ error: 'a title is required' });
  if (title.length > constants.MAX_TITLE_LENGTH) {
    return res.status(400).json({ error: `the title is longer than ${constants.MAX_TITLE_LENGTH} characters` });
  }
  res.status(201).json(store.add({ title, body: req.body.body }));
});

module.exports = router;
