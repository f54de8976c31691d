// MVC layout: controllers export actions, lib/boot.js turns them into routes at startup.
const path = require('node:path');
const express = require('express');
const boot = require('./lib/boot');

const app = express();
app.use(express.json());

app.get('/health', (req, res) => {
  res.send('ok');
});

boot(app, path.join(__dirname, 'controllers'));

app.use((req, res) => {
  res.status(404).json({ error: `no route for ${req.method} ${req.path}` });
});

const port = Number(process.env.PORT ?? 3000);
app.listen(port, '127.0.0.1', () => console.log(`mvc app on http://127.0.0.1:${port}`));
