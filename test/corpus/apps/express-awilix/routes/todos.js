// A router factory: its handlers resolve the service from the request's scope.
const express = require('express');

function makeTodoRouter() {
  const router = express.Router();
  router.get('/', (req, res) => {
    const todos = req.scope.resolve('todoService').list();
    res.json({ count: todos.length, todos });
  });
  router.post('/', (req, res) => {
    const todo = req.scope.resolve('todoService').add(req.body.title);
    res.status(201).json(todo);
  });
  router.post('/:id/done', (req, res) => {
    const todo = req.scope.resolve('todoService').complete(Number(req.params.id));
    if (!todo) return res.status(404).json({ error: 'no such todo' });
    res.json(todo);
  });
  return router;
}

module.exports = { makeTodoRouter };
