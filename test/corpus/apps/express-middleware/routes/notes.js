'use strict';
const { Router } = require('express');
const { body, param, validationResult } = require('express-validator');
const { problem } = require('../lib/problem');

const router = Router();
const notes = [];
let nextId = 1;

function rejectInvalid(req, res, next) {
  const errors = validationResult(req);
  if (errors.isEmpty()) return next();
  res.status(400).json({ ...problem(400, 'invalid request'), errors: errors.array().map((e) => e.path) });
}

router.get('/', (req, res) => {
  res.json({ count: notes.length, notes });
});

router.post('/', body('title').isString().trim().isLength({ min: 3 }), rejectInvalid, (req, res) => {
  const note = { id: nextId++, title: req.body.title };
  notes.push(note);
  res.status(201).json(note);
});

router.get('/:id', param('id').isInt({ min: 1 }), rejectInvalid, (req, res) => {
  const note = notes.find((n) => n.id === Number(req.params.id));
  if (!note) return res.status(404).json(problem(404, `no note ${req.params.id}`));
  res.json(note);
});

module.exports = router;
