// The entry: the app from app.js, with a health check and the admin router, listening.
const app = require('./app');
const { router: admin } = require('./routes/admin');
require('./routes/maintenance');

const port = process.env.PORT || 3000;

app.get('/health', (req, res) => res.send('ok'));
app.use('/admin', admin);

app.listen(port, '127.0.0.1', () => {
  console.log(`inventory listening on http://127.0.0.1:${port}`);
});
