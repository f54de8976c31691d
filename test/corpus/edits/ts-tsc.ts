import type { CorpusApp } from '../lib/types';

const format = 'return `${event.kind.toUpperCase()}: ${event.message}`;';
const brokenFormat = 'return (`${event.kind.toUpperCase()}: ${event.message}`;';

/** One TypeScript app, two ways to run it: compiled by tsc (with source maps), and with tsx. */
export const tsApp: CorpusApp = {
  dir: 'ts-tsc',
  entries: [
    { name: 'ts-tsc', kind: 'tsc', main: ['dist/main.js'] },
    { name: 'ts-tsx', kind: 'tsx', main: ['src/main.ts'] },
  ],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/events', body: { message: 'kept-{n}' } }],
    probes: [
      { path: '/events', includes: ['kept-{n}'] },
      // The connection opened at startup, read through the binding connect() assigned.
      { path: '/db', includes: ['"db":"memory"'] },
    ],
  },
  edits: [
    {
      name: 'handler body (router module)',
      file: 'src/routes/events.ts',
      replace: [
        [
          'res.json({ events: events.map(formatEvent) });',
          'res.json({ total: events.length, events: events.map(formatEvent) });',
        ],
      ],
      live: [{ path: '/events', includes: ['"total":'] }],
    },
    {
      name: 'helper function',
      file: 'src/format.ts',
      replace: [['return `[${event.kind}] ${event.message}`;', format]],
      live: [{ path: '/events', includes: ['SYSTEM: started'] }],
    },
    {
      name: 'constant',
      file: 'src/routes/events.ts',
      replace: [["const DEFAULT_KIND = 'info';", "const DEFAULT_KIND = 'note';"]],
      live: [
        { method: 'POST', path: '/events', body: { message: 'probe-{n}' }, status: 201, includes: ['"kind":"note"'] },
      ],
    },
    {
      name: 'new route (router module)',
      file: 'src/routes/events.ts',
      replace: [
        [
          "eventsRouter.get('/:kind',",
          "eventsRouter.get('/count', (_req, res) => {\n  res.json({ count: events.length });\n});\n\neventsRouter.get('/:kind',",
        ],
      ],
      live: [{ path: '/events/count', includes: ['"count":'] }],
    },
    {
      name: 'data module: a new seed statement',
      file: 'src/store.ts',
      replace: [["record('system', 'started');", "record('system', 'started');\nrecord('system', 'store ready');"]],
      live: [{ path: '/events/system', includes: ['store ready'] }],
    },
    {
      name: 'handler body (entry file)',
      file: 'src/main.ts',
      replace: [['`Event log: ${events.length} events`', '`Event log with ${events.length} entries`']],
      live: [{ path: '/', includes: ['Event log with'] }],
    },
    {
      name: 'syntax error',
      file: 'src/format.ts',
      syntaxError: true,
      replace: [[format, brokenFormat]],
      unchanged: ['/', '/events'],
    },
    {
      name: 'syntax error fixed',
      file: 'src/format.ts',
      replace: [[brokenFormat, format.replace(': ${event.message}', ' · ${event.message}')]],
      live: [{ path: '/events', includes: ['SYSTEM · started'] }],
    },
  ],
};
