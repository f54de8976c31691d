const express = require('express');
const { present } = require('../lib/present');

function makeUserRoutes(repo, controller) {
  const router = express.Router();
  router.get('/', (req, res) => {
    res.json(repo.all().map(present));
  });
  router.get('/:id', controller.show.bind(controller));
  router.post('/', controller.create.bind(controller));
  return router;
}

module.exports = { makeUserRoutes };
