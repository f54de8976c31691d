// Messages and settings in JSON files the app requires, as most apps keep their translations
// and feature flags: locales read by a small i18n module, flags read at each request.
const express = require('express');
const features = require('./config/features.json');
const { t } = require('./i18n');

const app = express();
app.use(express.json());
const notes = [];

app.get('/health', (req, res) => res.json({ ok: true }));

app.get('/greet', (req, res) => {
  const message = t(req.query.lang ?? 'en', 'greeting', { name: req.query.name ?? 'you' });
  res.json({ message: features.shout ? message.toUpperCase() : message });
});

app.get('/notes', (req, res) => res.json({ notes }));

app.post('/notes', (req, res) => {
  if (features.readOnly) return res.status(503).json({ error: t('en', 'readOnly') });
  notes.push(String(req.body.text ?? ''));
  res.status(201).json({ count: notes.length });
});

app.use((req, res) => res.status(404).json({ error: t('en', 'notFound') }));

const port = Number(process.env.PORT ?? 3000);
app.listen(port, '127.0.0.1', () => console.log(`i18n on http://127.0.0.1:${port}`));
