// The admin API: a router exported as a property, which other modules add routes to.
const { Router } = require('express');

exports.router = Router();

exports.router.get('/stats', (req, res) => {
  res.json({ uptime: Math.round(process.uptime()), memory: process.memoryUsage().rss > 0 });
});
