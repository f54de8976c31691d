const express = require('express');
const { ensureAuthenticated } = require('../config/auth');
const users = require('../models/users');

const router = express.Router();

router.get('/', (req, res) => {
  res.json({ message: 'Welcome', users: users.count() });
});

router.get('/dashboard', ensureAuthenticated, (req, res) => {
  res.json({ user: users.publicView(req.user), role: req.user.role ?? null });
});

module.exports = router;
