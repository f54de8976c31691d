const express = require('express');
const cache = require('../services/cache');

const router = express.Router();
const notes = [];
let nextId = 1;

router.get('/', (req, res) => {
  res.json({ count: notes.length, notes });
});

router.post('/', (req, res) => {
  const note = { id: nextId++, text: String(req.body.text ?? '') };
  notes.push(note);
  cache.set(`note:${note.id}`, note);
  res.status(201).json(note);
});

router.get('/:id', (req, res) => {
  const id = Number(req.params.id);
  const note = cache.get(`note:${id}`) ?? notes.find((n) => n.id === id);
  if (!note) return res.status(404).json({ error: 'not found' });
  res.json(note);
});

module.exports = router;
