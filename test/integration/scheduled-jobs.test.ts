/**
 * Jobs a module's top-level statements schedule with node-cron are theirs (live/scheduled-jobs.ts):
 * a load that changes a job's schedule destroys the old task and schedules the new one, and one
 * that takes a job out destroys its task, so no job runs twice or after it was removed; the
 * report says what was taken back. In a CommonJS app and in an ES module app (node-cron's two builds).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { scratchFiles } from '../helpers/scratch';
import { waitFor } from '../helpers/wait';

const JOBS = `const runs = [];
cron.schedule('* * * * * *', () => runs.push('tick'), { name: 'tick' });
cron.schedule('* * * * * *', () => runs.push('tock'), { name: 'tock' });

http
  .createServer((req, res) => {
    res.end(JSON.stringify({ runs, tasks: [...cron.getTasks().values()].map((task) => task.name).sort() }));
  })
  .listen(0, '127.0.0.1', function () {
    console.log('LISTENING ' + this.address().port);
  });
`;

const kinds = [
  {
    kind: 'cjs' as const,
    file: 'app.js',
    code: `const http = require('node:http');\nconst cron = require('node-cron');\n${JOBS}`,
    args: ['-r', 'hotpatch-agent/register', 'app.js'],
  },
  {
    kind: 'esm' as const,
    file: 'app.mjs',
    code: `import http from 'node:http';\nimport cron from 'node-cron';\n${JOBS}`,
    args: ['--import', 'hotpatch-agent/register', 'app.mjs'],
  },
];

for (const { kind, file, code, args } of kinds) {
  test(`${kind}: a job whose schedule a load changes runs once, on its new schedule; a job taken out stops`, async () => {
    const fixture = scratchFiles(`scheduled-jobs-${kind}`, {
      'package.json': '{ "name": "scheduled-jobs", "private": true }',
      [file]: code,
    });
    const app = await App.start(kind, { fixture, args });
    after(() => app.stop());
    const jobs = async (): Promise<{ runs: string[]; tasks: string[] }> => JSON.parse(await app.get('/'));
    await waitFor('both jobs to run', async () => {
      const { runs } = await jobs();
      return runs.includes('tick') && runs.includes('tock');
    });
    const client = await app.connect();
    after(() => client.close());

    const rescheduled = code.replace(
      "cron.schedule('* * * * * *', () => runs.push('tick'), { name: 'tick' });",
      "cron.schedule('*/2 * * * * *', () => runs.push('tick2'), { name: 'tick' });",
    );
    const first = await client.load({ file: app.file(file), code: rescheduled });
    assert.deepEqual(first.report.notApplied, []);
    assert.match(
      first.report.undone.join('\n'),
      /line 4: cron\.schedule\('\* \* \* \* \* \*',\(\)=> \{…\}, \{ name : 'tick' \}\)/,
    );
    const loadedAt = (await jobs()).runs.length;
    assert.deepEqual((await jobs()).tasks, ['tick', 'tock'], 'one task a job, not the old one beside the new');
    // Two runs of the new job: seconds in which the old one, had it stayed, would have run too.
    await waitFor('the new job to run twice', async () => {
      return (await jobs()).runs.slice(loadedAt).filter((run) => run === 'tick2').length >= 2;
    });
    assert.ok(!(await jobs()).runs.slice(loadedAt + 1).includes('tick'), 'the old task no longer runs');

    const removed = rescheduled.replace(
      "cron.schedule('* * * * * *', () => runs.push('tock'), { name: 'tock' });\n",
      '',
    );
    const second = await client.load({ file: app.file(file), code: removed });
    assert.deepEqual(second.report.notApplied, []);
    assert.match(
      second.report.undone.join('\n'),
      /line 5: cron\.schedule\('\* \* \* \* \* \*',\(\)=> \{…\}, \{ name : 'tock' \}\)/,
    );
    assert.deepEqual((await jobs()).tasks, ['tick']);
  });
}
