import type { CorpusApp } from '../lib/types';

const heartbeat = "    stats.record('heartbeat', new Date().toISOString());\n";
const archiveJob =
  "\n// Every second: notes older than a minute are archived.\ncron.schedule('* * * * * *', () => stats.record('archive', `${notes.archiveOlderThan(60_000)} archived`), {\n  name: 'archive',\n});\n";

/**
 * Scheduled jobs (node-cron) declared at startup in a module of their own, next to an Express
 * API: each job is a callback written in its `cron.schedule(…)` call, and the scheduler keeps
 * every task it made (`cron.getTasks()`), re-arming a timer for each. A reload that runs the
 * module again naively schedules every job twice; one that drops a job's statement leaves its
 * task running the old code.
 */
export const expressCron: CorpusApp = {
  dir: 'express-cron',
  entries: [{ name: 'express-cron', kind: 'cjs', main: ['app.js'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/notes', body: { text: 'kept-{n}' } }],
    probes: [{ path: '/notes', includes: ['"kept-{n}"'] }],
  },
  edits: [
    {
      name: "a job's callback, written in its schedule call",
      file: 'jobs.js',
      replace: [[heartbeat, "    stats.record('heartbeat', `beat at ${new Date().toISOString()}`);\n"]],
      live: [{ path: '/jobs', includes: ['"last":"beat at 20', '"tasks":3'], eventually: 5000 }],
    },
    {
      name: 'a function a job calls, in its own module',
      file: 'summary.js',
      replace: [['return `${notes.length} notes`;', 'return `notes: ${notes.length}`;']],
      live: [{ path: '/jobs', includes: ['"last":"notes: '], eventually: 5000 }],
    },
    {
      name: 'a job added',
      file: 'jobs.js',
      replace: [
        [
          archiveJob,
          `${archiveJob}\n// Every second: how many notes there are.\ncron.schedule('* * * * * *', () => stats.record('count', String(notes.all().length)), { name: 'count' });\n`,
        ],
      ],
      live: [{ path: '/jobs', includes: ['"count":{"runs":', '"tasks":4'], eventually: 5000 }],
    },
    {
      name: "a job's schedule changed (every second to every other second)",
      file: 'jobs.js',
      replace: [
        [
          "cron.schedule(\n  '* * * * * *',\n  () => {\n" + "    stats.record('heartbeat'",
          "cron.schedule(\n  '*/2 * * * * *',\n  () => {\n" + "    stats.record('heartbeat'",
        ],
      ],
      live: [{ path: '/jobs', includes: ['"tasks":4'], eventually: 5000 }],
    },
    {
      name: 'a job removed',
      file: 'jobs.js',
      replace: [[archiveJob, '']],
      live: [{ path: '/jobs', includes: ['"tasks":3'], eventually: 5000 }],
    },
    {
      name: 'the route reading the stats (inline next to listen)',
      file: 'app.js',
      replace: [
        [
          'res.json({ tasks: cron.getTasks().size, jobs: stats.snapshot() });',
          'res.json({ tasks: cron.getTasks().size, jobs: stats.snapshot(), at: new Date().toISOString() });',
        ],
      ],
      live: [{ path: '/jobs', includes: ['"at":"20'] }],
    },
    {
      name: 'syntax error (jobs module)',
      file: 'jobs.js',
      syntaxError: true,
      replace: [["{ name: 'count' });", "{ name: 'count' };"]],
      unchanged: ['/notes'],
    },
    {
      name: 'syntax error fixed, the count job says more',
      file: 'jobs.js',
      replace: [
        ["{ name: 'count' };", "{ name: 'count' });"],
        [
          "stats.record('count', String(notes.all().length))",
          "stats.record('count', `${notes.all().length} notes now`)",
        ],
      ],
      live: [{ path: '/jobs', includes: ['notes now"', '"tasks":3'], eventually: 5000 }],
    },
  ],
};
