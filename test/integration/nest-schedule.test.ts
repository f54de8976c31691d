/**
 * NestJS's scheduled jobs in a load (live/nest-schedule.ts): @nestjs/schedule reads a
 * provider's @Interval, @Cron and @Timeout methods once, as the app starts, and hands them to
 * timers. A load that adds a job starts it, one that takes a job's decorator out stops it, one
 * that changes a job's timing starts it again with the new one; a job it leaves as it was goes
 * on, its method running the new code. Where the class's methods carry a decorator of another
 * kind, which something else read at startup, the jobs change as well and the restart is still
 * offered. The app is compiled the way tsc compiles it, on Express; its jobs count their runs
 * in a module the test reads through a route, next to the scheduler's registry.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { scratchFiles } from '../helpers/scratch';
import { TSC_DECORATOR_HELPERS } from '../helpers/tsc-decorators';
import { waitFor } from '../helpers/wait';

const MAIN = `"use strict";
${TSC_DECORATOR_HELPERS}require('reflect-metadata');
const core_1 = require("@nestjs/core");
const common_1 = require("@nestjs/common");
const schedule_1 = require("@nestjs/schedule");
const tasks_service_1 = require("./tasks.service");
const runs = require("./runs");
let JobsController = class JobsController {
    constructor(registry) {
        this.registry = registry;
    }
    jobs() {
        return { intervals: this.registry.getIntervals(), crons: [...this.registry.getCronJobs().keys()], runs: runs.counts };
    }
};
__decorate([
    (0, common_1.Get)(),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", []),
    __metadata("design:returntype", void 0)
], JobsController.prototype, "jobs", null);
JobsController = __decorate([
    (0, common_1.Controller)('jobs'),
    __param(0, (0, common_1.Inject)(schedule_1.SchedulerRegistry)),
    __metadata("design:paramtypes", [Object])
], JobsController);
let AppModule = class AppModule {
};
AppModule = __decorate([
    (0, common_1.Module)({
        imports: [schedule_1.ScheduleModule.forRoot()],
        controllers: [JobsController],
        providers: [tasks_service_1.TasksService],
    })
], AppModule);
async function bootstrap() {
    const app = await core_1.NestFactory.create(AppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    console.log('LISTENING ' + app.getHttpServer().address().port);
}
bootstrap();
`;

/** The job `name` as tsc decorates it: `@Interval('name', ms)` on method `name`. */
const interval = (name: string, ms: number): string => `__decorate([
    (0, schedule_1.Interval)('${name}', ${ms}),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", []),
    __metadata("design:returntype", void 0)
], TasksService.prototype, "${name}", null);
`;

/** The provider with a method per job in `methods`, and `decorators` (tsc's statements) after the class. */
const tasks = (methods: string[], decorators: string): string => `"use strict";
${TSC_DECORATOR_HELPERS}Object.defineProperty(exports, "__esModule", { value: true });
exports.TasksService = void 0;
const common_1 = require("@nestjs/common");
const schedule_1 = require("@nestjs/schedule");
const runs = require("./runs");
let TasksService = class TasksService {
${methods.map((name) => `    ${name}() {\n        runs.hit('${name}');\n    }\n`).join('')}};
exports.TasksService = TasksService;
${decorators}exports.TasksService = TasksService = __decorate([
    (0, common_1.Injectable)()
], TasksService);
`;

const RUNS = `const counts = {};
module.exports = { counts, hit: (name) => { counts[name] = (counts[name] ?? 0) + 1; } };
`;

interface Jobs {
  intervals: string[];
  crons: string[];
  runs: Record<string, number>;
}

type Load = (code: string) => ReturnType<Awaited<ReturnType<App['connect']>>['load']>;

async function startApp(): Promise<{ app: App; jobs: () => Promise<Jobs>; load: Load }> {
  const fixture = scratchFiles('nest-schedule', {
    'package.json': '{ "name": "nest-schedule", "private": true }',
    'main.js': MAIN,
    'runs.js': RUNS,
    'tasks.service.js': tasks(['heartbeat'], interval('heartbeat', 20)),
  });
  const app = await App.start('cjs', { fixture, args: ['-r', 'hotpatch-agent/register', 'main.js'] });
  after(() => app.stop());
  const client = await app.connect();
  after(() => client.close());
  const jobs = async (): Promise<Jobs> => JSON.parse(await app.get('/jobs')) as Jobs;
  await waitFor('the heartbeat job running', async () => ((await jobs()).runs.heartbeat ?? 0) > 0);
  return { app, jobs, load: (code) => client.load({ file: app.file('tasks.service.js'), code }) };
}

/** The runs of `name` once `other` has run `more` times again: `name`'s runs in that time, not a sleep's. */
async function runsWhile(
  jobs: () => Promise<Jobs>,
  name: string,
  other: string,
  more: number,
): Promise<[number, number]> {
  const start = await jobs();
  const end = await waitFor(`${more} more runs of ${other}`, async () => {
    const now = await jobs();
    return (now.runs[other] ?? 0) >= (start.runs[other] ?? 0) + more ? now : undefined;
  });
  return [start.runs[name] ?? 0, end.runs[name] ?? 0];
}

test('an @Interval job a load adds starts, and the job the provider had goes on', async () => {
  const { jobs, load } = await startApp();

  const result = await load(tasks(['heartbeat', 'count'], interval('heartbeat', 20) + interval('count', 20)));

  assert.deepEqual(result.report.notApplied, [], 'nothing left for a restart');
  assert.match(
    result.report.ran.join('\n'),
    /the scheduled jobs of TasksService: started count \(interval 'count' every 20 ms\)/,
  );
  const [runsBefore, runsAfter] = await runsWhile(jobs, 'heartbeat', 'count', 3);
  assert.ok(runsAfter > runsBefore, 'the heartbeat runs on');
  assert.deepEqual((await jobs()).intervals.sort(), ['count', 'heartbeat'], "in the scheduler's registry");
});

test('a job whose decorator a load takes out stops; one given another timing runs with it, once; a @Cron job added starts', async () => {
  const { jobs, load } = await startApp();
  await load(tasks(['heartbeat', 'count'], interval('heartbeat', 20) + interval('count', 20)));

  // Its method stays as it was: the function the app had, with what the decorator put on it.
  const stopped = await load(tasks(['heartbeat', 'count'], interval('count', 20)));

  assert.deepEqual(stopped.report.notApplied, []);
  assert.match(
    stopped.report.ran.join('\n'),
    /the scheduled jobs of TasksService: stopped heartbeat \(interval 'heartbeat' every 20 ms\)$/,
  );
  const [runsBefore, runsAfter] = await runsWhile(jobs, 'heartbeat', 'count', 5);
  assert.equal(runsAfter, runsBefore, 'the heartbeat runs no more');

  const cron = `__decorate([
    (0, schedule_1.Cron)('* * * * * *', { name: 'tick' }),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", []),
    __metadata("design:returntype", void 0)
], TasksService.prototype, "tick", null);
`;
  const changed = await load(tasks(['heartbeat', 'count', 'tick'], interval('count', 10) + cron));

  assert.deepEqual(changed.report.notApplied, []);
  assert.match(
    changed.report.ran.join('\n'),
    /stopped count \(interval 'count' every 20 ms\); started count \(interval 'count' every 10 ms\), tick \(cron job 'tick' at \* \* \* \* \* \*\)/,
  );
  await waitFor('the cron job running', async () => ((await jobs()).runs.tick ?? 0) > 0);
  const now = await jobs();
  assert.deepEqual([now.intervals, now.crons], [['count'], ['tick']], 'one interval of count: the old one stopped');
});

test('a provider whose methods also carry a decorator of another kind: its new job starts, and the restart is still offered', async () => {
  const { jobs, load } = await startApp();
  const audited = `__decorate([
    (0, common_1.SetMetadata)('audited', true),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", []),
    __metadata("design:returntype", void 0)
], TasksService.prototype, "audit", null);
`;

  const result = await load(
    tasks(['heartbeat', 'count', 'audit'], interval('heartbeat', 20) + interval('count', 20) + audited),
  );

  assert.match(result.report.ran.join('\n'), /started count/);
  assert.match(result.report.notApplied.join('\n'), /TasksService .*its decorators changed.*restart to apply them/);
  await waitFor('the new job running', async () => ((await jobs()).runs.count ?? 0) > 0);
});

test("a job's method renamed, its job's name kept: the job moves to the new method, stopped before it starts again", async () => {
  const { jobs, load } = await startApp();

  const result = await load(tasks(['beat'], interval('heartbeat', 20).replace('"heartbeat", null', '"beat", null')));

  assert.deepEqual(result.report.notApplied, []);
  assert.match(
    result.report.ran.join('\n'),
    /stopped heartbeat \(interval 'heartbeat' every 20 ms\); started beat \(interval 'heartbeat' every 20 ms\)/,
  );
  await waitFor('the moved job running', async () => ((await jobs()).runs.beat ?? 0) > 0);
  assert.deepEqual((await jobs()).intervals, ['heartbeat']);
});
