import type { CorpusApp } from '../lib/types';

/**
 * Translations and feature flags in JSON files the app requires (`require('./locales/en.json')`),
 * as most apps keep them: a message reworded, a flag turned on, a key added with the route that
 * uses it, a JSON file broken and fixed. A restart picks each up; a reload that knows only
 * JavaScript changes nothing, and says nothing.
 */
export const expressI18n: CorpusApp = {
  dir: 'express-i18n',
  entries: [{ name: 'express-i18n', kind: 'cjs', main: ['app.js'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/notes', body: { text: 'kept-{n}' } }],
    probes: [{ path: '/notes', includes: ['"kept-{n}"'] }],
  },
  edits: [
    {
      name: 'a message reworded in a locale file (JSON)',
      file: 'locales/en.json',
      replace: [['"Hello, {name}!"', '"Hi there, {name}!"']],
      live: [{ path: '/greet?name=ann', includes: ['"Hi there, ann!"'] }],
    },
    {
      name: 'a message of another locale',
      file: 'locales/de.json',
      replace: [['"Hallo, {name}!"', '"Servus, {name}!"']],
      live: [{ path: '/greet?name=ann&lang=de', includes: ['"Servus, ann!"'] }],
    },
    {
      name: 'a feature flag turned on (read at each request)',
      file: 'config/features.json',
      replace: [['"shout": false', '"shout": true']],
      live: [{ path: '/greet?name=ann', includes: ['"HI THERE, ANN!"'] }],
    },
    {
      name: 'a new message and the route that uses it',
      file: 'locales/en.json',
      replace: [['"notFound": "Not found",', '"notFound": "Not found",\n  "farewell": "Goodbye, {name}!",']],
      also: [
        {
          file: 'app.js',
          replace: [
            [
              "app.get('/notes',",
              "app.get('/bye', (req, res) => res.json({ message: t('en', 'farewell', { name: req.query.name ?? 'you' }) }));\n\napp.get('/notes',",
            ],
          ],
        },
      ],
      live: [{ path: '/bye?name=ann', includes: ['"Goodbye, ann!"'] }],
    },
    {
      name: 'a JSON syntax error (a trailing comma)',
      file: 'locales/de.json',
      syntaxError: true,
      replace: [['"notFound": "Nicht gefunden"', '"notFound": "Nicht gefunden",']],
      unchanged: ['/greet?name=ann&lang=de'],
    },
    {
      name: 'the JSON fixed, with a new message',
      file: 'locales/de.json',
      replace: [['"notFound": "Nicht gefunden",', '"notFound": "Nicht gefunden",\n  "farewell": "Tschüss, {name}!"']],
      live: [{ path: '/greet?name=ann&lang=de', includes: ['"SERVUS, ANN!"'] }],
    },
    {
      name: 'a flag that closes a route',
      file: 'config/features.json',
      replace: [['"readOnly": false', '"readOnly": true']],
      live: [
        {
          method: 'POST',
          path: '/notes',
          body: { text: 'probe-{n}' },
          status: 503,
          includes: ['Notes are read-only for now'],
        },
      ],
      // The state check writes a note before the edit: with writes closed, the probe reads it.
    },
  ],
};
