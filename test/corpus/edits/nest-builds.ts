import type { CorpusApp, HttpRequest } from '../lib/types';

/** An event read from the stream `stream` at `path`, opened before the edit, after `trigger` (if any). */
const onStream = (path: string, stream: string, event: string, trigger?: HttpRequest): HttpRequest => ({
  path,
  eventStream: { stream, event, ...(trigger ? { trigger } : {}) },
});
/** The event of a build started for `project`, read from the events stream opened before the edit. */
const started = (project: string): HttpRequest =>
  onStream('/builds/events', 'watcher', project, { method: 'POST', path: '/builds', body: { project } });

const tickData = "data: { n, running: this.builds.list().filter((build) => build.status === 'running').length },";
const brokenTickData = "data: { n, running: this.builds.list().filter((build) => build.status === 'running').length ,";

/**
 * A build dashboard's API in NestJS, its live updates as server-sent events: `@Sse()` methods
 * return RxJS pipes, each made when its subscriber connected (a service's Subject mapped to
 * events; an `interval` ticking per subscriber), which Nest writes to the open response. The
 * builds in a service's map. Compiled by tsc and run by tsx. The probes read streams opened
 * before the edit: the pipes the running app made then, and their callbacks.
 */
export const nestBuilds: CorpusApp = {
  dir: 'nest-builds',
  entries: [
    { name: 'nest-builds-tsc', kind: 'tsc', main: ['dist/main.js'] },
    { name: 'nest-builds-tsx', kind: 'tsx', main: ['src/main.ts'] },
  ],
  health: '/health',
  state: {
    // The ticks stream opens here too, before the edit that changes its callback.
    before: [
      { method: 'POST', path: '/builds', body: { project: 'kept-{n}' } },
      started('seen-{n}'),
      onStream('/builds/ticks', 'ticker', 'event: tick'),
    ],
    probes: [{ path: '/builds', includes: ['"kept-{n}"', '"seen-{n}"'] }],
  },
  edits: [
    {
      name: "the map callback of the events stream (each subscriber's pipe was made as it connected)",
      file: 'src/builds/builds.controller.ts',
      replace: [
        [
          'data: { id: event.build.id, project: event.build.project, status: event.build.status },',
          'data: { id: event.build.id, project: event.build.project, status: event.build.status, at: Date.now() },',
        ],
      ],
      live: [{ ...started('probe-{n}'), includes: ['"at":'] }],
    },
    {
      name: 'the service method that emits on the Subject the streams subscribe to',
      file: 'src/builds/builds.service.ts',
      replace: [
        [
          "this.events$.next({ kind: 'started', build });",
          "this.events$.next({ kind: 'started', build: { ...build, project: `${build.project} (#${build.id})` } });",
        ],
      ],
      live: [{ ...started('probe-{n}'), includes: ['"probe-{n} (#'] }],
    },
    {
      name: "the ticks stream's callback (an interval subscribed when the stream opened), reading the service",
      file: 'src/builds/builds.controller.ts',
      replace: [
        [
          tickData,
          "data: { n, running: this.builds.list().filter((build) => build.status === 'running').length, total: this.builds.list().length },",
        ],
      ],
      live: [{ ...onStream('/builds/ticks', 'ticker', '"total":'), includes: ['event: tick', '"running":'] }],
    },
    {
      name: 'a new @Sse method: finished builds only',
      file: 'src/builds/builds.controller.ts',
      replace: [
        [
          "  /** A tick every 200 ms with how many builds run: what a dashboard's header shows. */",
          "  @Sse('finished')\n  finished(): Observable<MessageEvent> {\n    return this.builds.events$.pipe(\n      filter((event) => event.kind === 'finished'),\n      map((event) => ({ type: 'finished', data: { id: event.build.id, status: event.build.status } })),\n    );\n  }\n\n  /** A tick every 200 ms with how many builds run: what a dashboard's header shows. */",
        ],
        [
          "import { Observable, interval, map } from 'rxjs';",
          "import { Observable, filter, interval, map } from 'rxjs';",
        ],
      ],
      live: [
        {
          path: '/builds/finished',
          eventStream: {
            event: 'event: finished',
            trigger: { method: 'POST', path: '/builds/1/finish', body: { ok: false } },
          },
          includes: ['"status":"failed"'],
        },
      ],
    },
    {
      name: 'a service method used by a new route',
      file: 'src/builds/builds.service.ts',
      replace: [
        [
          '  list(): Build[] {',
          '  summary(): Record<string, number> {\n    const counts: Record<string, number> = {};\n    for (const build of this.builds.values()) counts[build.status] = (counts[build.status] ?? 0) + 1;\n    return counts;\n  }\n\n  list(): Build[] {',
        ],
      ],
      also: [
        {
          file: 'src/builds/builds.controller.ts',
          replace: [
            [
              "  @Post(':id/finish')",
              "  @Get('summary')\n  summary() {\n    return this.builds.summary();\n  }\n\n  @Post(':id/finish')",
            ],
          ],
        },
      ],
      live: [{ path: '/builds/summary', includes: ['"running":'] }],
    },
    {
      name: 'syntax error (the ticks callback)',
      file: 'src/builds/builds.controller.ts',
      syntaxError: true,
      replace: [[tickData.replace(' },', ', total: this.builds.list().length },'), brokenTickData]],
      unchanged: ['/builds'],
    },
    {
      name: 'syntax error fixed, ticks counting finished builds',
      file: 'src/builds/builds.controller.ts',
      replace: [
        [
          brokenTickData,
          "data: { n, running: this.builds.list().filter((build) => build.status === 'running').length, done: this.builds.list().filter((build) => build.status !== 'running').length },",
        ],
      ],
      live: [{ ...onStream('/builds/ticks', 'ticker', '"done":'), includes: ['event: tick'] }],
    },
  ],
};
