/**
 * An app run as a cluster (node:cluster, as pm2's cluster mode and `throng` run one): the
 * primary and each worker start an agent of their own, and a client reaches each one at the
 * address its discovery record gives. A worker's listen is otherwise handed to the primary,
 * which gave every worker asking for port 0 the same shared port and spread connections among
 * them: a client for one worker reached another's agent and was refused with "wrong token", or
 * loaded code into the wrong process. And a load that runs the primary's `if` again (a statement
 * changed in the worker's block) does not start as many workers again (cluster-forks.ts).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { AgentClient, readDiscoveryDir } from 'hotpatch-extension/engine';
import { scratchFiles } from '../helpers/scratch';
import { waitFor } from '../helpers/wait';

const WORKERS = 2;

/** The pids of the processes `pid` started that are still running. */
function childrenOf(pid: number): number[] {
  const listed = spawnSync('ps', ['--ppid', String(pid), '-o', 'pid='], { encoding: 'utf8' }).stdout;
  return listed
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map(Number);
}

const files = {
  'app.js': [
    "const cluster = require('node:cluster');",
    "const { greet } = require('./greeting');",
    'if (cluster.isPrimary) {',
    `  for (let i = 0; i < ${WORKERS}; i++) cluster.fork();`,
    '  // A worker that dies is started again.',
    "  cluster.on('exit', (worker) => worker.exitedAfterDisconnect || cluster.fork());",
    '} else {',
    '  // A worker stays up, as a server does.',
    '  setInterval(greet, 1000);',
    '}',
  ].join('\n'),
  'greeting.js': "exports.greet = () => 'hello 1';\n",
};

test('each process of a cluster has an agent of its own, reached at its own address; a load forks no worker', async () => {
  const dir = scratchFiles('cluster', files);
  const discoveryDir = join(dir, 'discovery');
  const primary = spawn(process.execPath, ['-r', 'hotpatch-agent/register', 'app.js'], {
    cwd: dir,
    env: { ...process.env, HOTPATCH_DISCOVERY_DIR: discoveryDir, HOTPATCH_QUIET: '1', NODE_ENV: 'development' },
    stdio: 'ignore',
  });
  const records = await waitFor(`${WORKERS + 1} discovery records`, () => {
    const found = readDiscoveryDir(discoveryDir);
    return found.length === WORKERS + 1 && found;
  });
  after(() => {
    for (const record of records) {
      try {
        process.kill(record.pid);
      } catch {
        // already gone
      }
    }
    primary.kill();
  });
  assert.ok(
    records.some((record) => record.pid === primary.pid),
    'the primary has an agent',
  );
  assert.equal(
    new Set(records.map((record) => record.url)).size,
    records.length,
    'every agent listens on its own port',
  );

  // Each connection reaches the process its record names (a shared port spread them among the workers).
  for (let round = 0; round < 3; round++) {
    for (const record of records) {
      const client = await AgentClient.connect(record.url, record.token);
      try {
        assert.equal(client.info.pid, record.pid, `the agent at ${record.url} is the one of pid ${record.pid}`);
      } finally {
        client.close();
      }
    }
  }

  // A statement changed in the worker's block runs the whole `if` again, in the primary too:
  // there it would fork as many workers again. It is said to need a restart, and forks none.
  const primaryRecord = records.find((record) => record.pid === primary.pid)!;
  const primaryClient = await AgentClient.connect(primaryRecord.url, primaryRecord.token);
  try {
    const code = files['app.js'].replace('setInterval(greet, 1000)', 'setInterval(greet, 500)');
    const { report } = await primaryClient.load({ file: join(dir, 'app.js'), code });
    assert.ok(
      report.notApplied.some((note) => note.includes('cluster.fork() would start another worker process')),
      report.notApplied.join('\n'),
    );
  } finally {
    primaryClient.close();
  }
  assert.equal(childrenOf(primary.pid!).length, WORKERS, 'no worker was forked by the load');
  // What the primary's `if` registered stays: a worker that dies is started again.
  const [dead] = childrenOf(primary.pid!);
  process.kill(dead!);
  const replaced = await waitFor('the primary to start a worker in place of the one that died', () => {
    const now = childrenOf(primary.pid!);
    return now.length === WORKERS && !now.includes(dead!) && now;
  });
  records.splice(
    records.findIndex((record) => record.pid === dead),
    1,
  );
  const replacement = replaced.find((pid) => !records.some((record) => record.pid === pid))!;
  records.push(await waitFor('its agent', () => readDiscoveryDir(discoveryDir).find((r) => r.pid === replacement)));

  // A load through each worker's agent changes that worker.
  const file = join(dir, 'greeting.js');
  for (const record of records) {
    const client = await AgentClient.connect(record.url, record.token);
    try {
      const result = await client.load({ file, code: `exports.greet = () => 'hello from ${record.pid}';\n` });
      assert.equal(result.module.current.seq, 2, `pid ${record.pid} took the load once`);
    } finally {
      client.close();
    }
  }
});
