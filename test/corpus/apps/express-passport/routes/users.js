const express = require('express');
const passport = require('passport');
const { forwardAuthenticated } = require('../config/auth');
const users = require('../models/users');

const router = express.Router();

router.post('/register', (req, res) => {
  const { name, email, password } = req.body ?? {};
  const errors = [];
  if (!name || !email || !password) errors.push('Please enter all fields');
  if (password && password.length < 6) errors.push('Password must be at least 6 characters');
  if (email && users.findByEmail(email)) errors.push('Email is already registered');
  if (errors.length > 0) return res.status(400).json({ errors });
  const user = users.create({ name, email, password });
  res.status(201).json({ user: users.publicView(user) });
});

router.get('/login', forwardAuthenticated, (req, res) => {
  res.json({ form: 'login', fields: ['email', 'password'] });
});

router.post('/login', (req, res, next) => {
  passport.authenticate('local', (err, user, info) => {
    if (err) return next(err);
    if (!user) return res.status(401).json({ error: info?.message ?? 'Login failed' });
    req.logIn(user, (loginError) => {
      if (loginError) return next(loginError);
      res.json({ message: `Welcome back, ${user.name}`, user: users.publicView(user) });
    });
  })(req, res, next);
});

router.post('/logout', (req, res, next) => {
  req.logout((err) => {
    if (err) return next(err);
    res.json({ message: 'You are logged out' });
  });
});

module.exports = router;
