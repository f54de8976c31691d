// A catalog API with a read-through cache in front of a slow data source: an LRU cache made
// once at startup (lru-cache), request validation chains (express-validator), a router per
// resource, and a request log middleware.
const express = require('express');
const { requestLog, recentRequests } = require('./lib/request-log');
const { cacheStats } = require('./lib/cache');
const products = require('./routes/products');

const app = express();
app.use(express.json());
app.use(requestLog);

app.get('/health', (req, res) => {
  res.send('ok');
});

app.get('/cache', (req, res) => {
  res.json(cacheStats());
});

app.get('/requests', (req, res) => {
  res.json({ recent: recentRequests() });
});

app.use('/products', products);

const port = Number(process.env.PORT || 3000);
app.listen(port, () => {
  console.log(`catalog listening on ${port}`);
});
