// An Express app with work that outlives a request: an event bus its middleware feeds, a stats
// job ticking on an interval, and a cache singleton sweeping itself on a timer.
const express = require('express');
const bus = require('./events/bus');
const cache = require('./services/cache');
const stats = require('./jobs/stats');
const { requestId } = require('./middleware/request-id');
const notes = require('./routes/notes');

const app = express();
app.use(express.json());
app.use(requestId);
app.use((req, res, next) => {
  res.on('finish', () => bus.emit('request', { path: req.path, status: res.statusCode }));
  next();
});

app.get('/health', (req, res) => res.send('ok'));
app.get('/stats', (req, res) => res.json(stats.snapshot()));
app.get('/cache', (req, res) => res.json(cache.stats()));
app.use('/api/notes', notes);

stats.start();

const port = Number(process.env.PORT) || 3000;
app.listen(port, '127.0.0.1', () => console.log(`jobs app on ${port}`));
