import type { CorpusApp } from '../lib/types';

const heartbeatText = '`alive at ${new Date().toISOString()}`';
const dueRecord = "this.stats.record('due', `${marked} due, ${this.reminders.summary()}`);";
const markDueEnd = "    this.stats.record('due'";

/**
 * Background jobs in a NestJS app, as @nestjs/schedule runs them: a service's methods decorated
 * @Interval, @Cron and @Timeout, which the module's explorer reads once when the app starts and
 * hands to timers as functions it took from the instance then; the jobs' results in another
 * service's map, the reminders they act on in a third's. A route reads the scheduler's registry,
 * so that a job started twice, or left behind, shows. Compiled by tsc and run by tsx.
 */
export const nestSchedule: CorpusApp = {
  dir: 'nest-schedule',
  entries: [
    { name: 'nest-schedule-tsc', kind: 'tsc', main: ['dist/main.js'] },
    { name: 'nest-schedule-tsx', kind: 'tsx', main: ['src/main.ts'] },
  ],
  health: '/health',
  state: {
    // A reminder in the service's map, due in an hour; the warm-up job's record, made once.
    before: [{ method: 'POST', path: '/reminders', body: { text: 'kept-{n}', inMs: 3_600_000 } }],
    probes: [
      { path: '/reminders', includes: ['"kept-{n}"'] },
      { path: '/jobs', includes: ['"warmup":{"runs":1,"last":"ready"}'] },
    ],
  },
  edits: [
    {
      name: "an @Interval method's body",
      file: 'src/jobs/tasks.service.ts',
      replace: [[heartbeatText, '`beat at ${new Date().toISOString()}`']],
      live: [{ path: '/jobs', includes: ['"last":"beat at 20', '"intervals":1'], eventually: 5000 }],
    },
    {
      name: 'a method an @Cron job calls, in another service',
      file: 'src/reminders/reminders.service.ts',
      replace: [['return `${open} open`;', 'return `${open} still open`;']],
      live: [{ path: '/jobs', includes: ['still open"', '"crons":1'], eventually: 5000 }],
    },
    {
      name: "an @Cron method's body",
      file: 'src/jobs/tasks.service.ts',
      replace: [[dueRecord, "this.stats.record('due', `marked ${marked}; ${this.reminders.summary()}`);"]],
      live: [{ path: '/jobs', includes: ['"last":"marked 0; ', '"crons":1'], eventually: 5000 }],
    },
    {
      name: 'service: a new field counting the marked reminders, read by the job',
      file: 'src/reminders/reminders.service.ts',
      replace: [
        ['  private nextId = 1;', '  private nextId = 1;\n  private markedInAll = 0;'],
        ['        marked++;\n', '        marked++;\n        this.markedInAll++;\n'],
        ['return `${open} still open`;', 'return `${open} still open, ${this.markedInAll} done`;'],
      ],
      live: [
        { method: 'POST', path: '/reminders', body: { text: 'soon-{n}', inMs: 1 }, status: 201 },
        // Counted once the job marked it: no reminder is left due for the next edits' own checks
        // (the syntax error's app unchanged) to see the job mark.
        { path: '/jobs', includes: [' 1 done"'], eventually: 5000 },
        { path: '/reminders', includes: ['"soon-{n}","dueAt":'] },
      ],
    },
    {
      name: 'controller method body',
      file: 'src/reminders/reminders.controller.ts',
      replace: [
        [
          'return { reminders: this.reminders.all() };',
          'const reminders = this.reminders.all();\n    return { open: reminders.filter((r) => !r.done).length, reminders };',
        ],
      ],
      live: [{ path: '/reminders', includes: ['"open":'] }],
    },
    {
      name: 'a new @Interval job in the service (the explorer read them at startup)',
      file: 'src/jobs/tasks.service.ts',
      replace: [
        [
          "  @Cron(CronExpression.EVERY_SECOND, { name: 'due' })",
          "  @Interval('count', 200)\n  count() {\n    this.stats.record('count', `${this.reminders.all().length} reminders`);\n  }\n\n  @Cron(CronExpression.EVERY_SECOND, { name: 'due' })",
        ],
      ],
      live: [{ path: '/jobs', includes: ['"intervals":2', ' reminders"'], eventually: 5000 }],
    },
    {
      name: 'syntax error (tasks service)',
      file: 'src/jobs/tasks.service.ts',
      syntaxError: true,
      replace: [[markDueEnd, "    this.stats.record('due',,"]],
      unchanged: ['/reminders'],
    },
    {
      name: 'syntax error fixed, the heartbeat says more',
      file: 'src/jobs/tasks.service.ts',
      replace: [
        ["    this.stats.record('due',,", markDueEnd],
        ['`beat at ${new Date().toISOString()}`', '`beat ${new Date().toISOString()} (pid ${process.pid})`'],
      ],
      live: [{ path: '/jobs', includes: ['"last":"beat 20', '(pid '], eventually: 5000 }],
    },
    {
      name: "an @Interval job's decorator taken out, its method kept (the explorer started it at startup)",
      file: 'src/jobs/tasks.service.ts',
      replace: [["  @Interval('count', 200)\n", '']],
      live: [{ path: '/jobs', includes: ['"intervals":1,'], eventually: 5000 }],
    },
  ],
};
