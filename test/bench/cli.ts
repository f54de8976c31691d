/**
 * The `hotpatch` command's wall time, process start to exit, as a terminal user sees it
 * (issue 13: `load` ≤ 300 ms, `ls` ≤ 200 ms): against the cjs fixture app, `ls` and a `load`
 * of an edited greeting.js, ROUNDS times each, interleaved; p50 and p90. And `ls` as the first
 * client of a freshly started app, which pays for the agent's first connection. Figures only.
 * `node -e 0` runs in the same rounds: Node's own start on this machine, which no CLI can go below.
 *
 * `cd test && npx tsx bench/cli.ts` (part of `npm run bench`).
 */
import { execFile } from 'node:child_process';
import { App } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { msRow, recordGoal } from './goals';
import { percentile } from './stats';

const ROUNDS = 15;
const FIRST_CONNECTIONS = 5;
const LOAD_GOAL_MS = 300;
const LS_GOAL_MS = 200;

async function timed(args: string[], app: App): Promise<number> {
  const started = performance.now();
  const result = await runCli(args, app.discoveryDir);
  const ms = performance.now() - started;
  if (result.code !== 0) throw new Error(`hotpatch ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return ms;
}

/** Node starting and exiting with nothing to run, spawned as runCli spawns the CLI. */
async function timedNodeStart(): Promise<number> {
  const started = performance.now();
  await new Promise<void>((done, fail) =>
    execFile(process.execPath, ['-e', '0'], (error) => (error ? fail(error) : done())),
  );
  return performance.now() - started;
}

/**
 * `ls` as the first client of a freshly started app, against the next one: the agent loads
 * what serves a connection at the first (WebSocket, JSON-RPC, the protocol's schemas), while
 * the app's thread waits. p50 of FIRST_CONNECTIONS apps, each started anew.
 */
async function firstConnections(): Promise<{ first: number[]; next: number[] }> {
  const first: number[] = [];
  const next: number[] = [];
  for (let i = 0; i < FIRST_CONNECTIONS; i++) {
    const app = await App.start('cjs');
    try {
      first.push(await timed(['ls'], app));
      next.push(await timed(['ls'], app));
    } finally {
      await app.stop();
    }
  }
  return { first, next };
}

async function main(): Promise<void> {
  const connections = await firstConnections();
  const app = await App.start('cjs');
  const ls: number[] = [];
  const load: number[] = [];
  const nodeStart: number[] = [];
  try {
    await timed(['ls'], app); // the first run reads the CLI from disk into the page cache
    for (let n = 2; n < 2 + ROUNDS; n++) {
      nodeStart.push(await timedNodeStart());
      ls.push(await timed(['ls'], app));
      app.edit('greeting.js', (text) => text.replace(/vsn = '\d+'/, `vsn = '${n}'`).replace(/hello\S*,/, `hello${n},`));
      load.push(await timed(['load', app.file('greeting.js')], app));
    }
  } finally {
    await app.stop();
  }
  const row = (name: string, values: number[]): string =>
    `  ${name.padEnd(9)} p50 ${percentile(values, 50).toFixed(0).padStart(4)} ms  p90 ${percentile(values, 90).toFixed(0).padStart(4)} ms`;
  console.log(`\nThe hotpatch command, start to exit (${ROUNDS} runs each, interleaved)`);
  console.log(row('ls', ls));
  console.log(row('load', load));
  console.log(row('node -e 0', nodeStart));
  console.log(
    `  ls as a fresh app's first client: p50 ${percentile(connections.first, 50).toFixed(0)} ms, ` +
      `the next ls ${percentile(connections.next, 50).toFixed(0)} ms (${FIRST_CONNECTIONS} apps)`,
  );
  const nodeNote = `of which Node's own start (node -e 0) is ${percentile(nodeStart, 50).toFixed(0)} ms here`;
  recordGoal(msRow('hotpatch ls, wall p50', percentile(ls, 50), LS_GOAL_MS, nodeNote));
  recordGoal(msRow('hotpatch load, wall p50', percentile(load, 50), LOAD_GOAL_MS, nodeNote));
  recordGoal({
    figure: "hotpatch ls as a fresh app's first client, wall p50",
    measured: `${percentile(connections.first, 50).toFixed(0)} ms (the next: ${percentile(connections.next, 50).toFixed(0)} ms)`,
    goal: '(for comparison)',
    met: null,
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
