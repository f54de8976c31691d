/**
 * The `hotpatch` command's wall time, process start to exit, as a terminal user sees it
 * (issue 13: `load` ≤ 300 ms, `ls` ≤ 200 ms): against the cjs fixture app, `ls` and a `load`
 * of an edited greeting.js, ROUNDS times each, interleaved; p50 and p90. And `ls` as the first
 * client of a freshly started app, which pays for the agent's first connection. And a `load` of
 * a TypeScript module that holds state (the tsx fixture's store.ts), which the CLI analyses for
 * a changed state type before it loads (the editor's language server keeps that analysis warm;
 * a load of TypeScript starts a load server that keeps it warm for the next; see
 * typescriptLoads): held to the same goal. Figures only.
 * `node -e 0` runs in the same rounds: Node's own start on this machine, which no CLI can go below.
 *
 * `cd test && npx tsx bench/cli.ts` (part of `npm run bench`).
 */
import { execFile } from 'node:child_process';
import { App } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { msRow, recordGoal } from './goals';
import { percentile } from './stats';
import { waitFor } from '../helpers/wait';

const ROUNDS = 15;
const FIRST_CONNECTIONS = 5;
/** Rounds of loads of a TypeScript module, through the load server and in a process of their own (≈0.8 s each). */
const TYPESCRIPT_ROUNDS = 7;
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

/**
 * `load` of the tsx fixture's store.ts (module state: `let hits`), edited before each run: the
 * wall time, and the state-type analysis's share of it as the load's report gives it. Each
 * round loads twice, interleaved: through the folder's load server (the CLI's default, which
 * the first load starts; load-server/), and in a process of its own (HOTPATCH_LOAD_SERVER=0),
 * which starts TypeScript and its analysis cold.
 */
async function typescriptLoads(): Promise<Record<'served' | 'own', { load: number[]; analysis: number[] }>> {
  const app = await App.start('tsx');
  const figures = { served: { load: [], analysis: [] }, own: { load: [], analysis: [] } } as Record<
    'served' | 'own',
    { load: number[]; analysis: number[] }
  >;
  const server = { HOTPATCH_LOAD_SERVER: '1' };
  let edits = 0;
  const timedLoad = async (into: { load: number[]; analysis: number[] } | undefined, env: NodeJS.ProcessEnv) => {
    app.edit('src/store.ts', (text) =>
      text.replace(/\nexport const storeLabel = .*|$/, `\nexport const storeLabel = 'store ${edits++}';`),
    );
    const started = performance.now();
    const result = await runCli(['load', app.file('src/store.ts')], app.discoveryDir, env);
    const ms = performance.now() - started;
    if (result.code !== 0) throw new Error(`hotpatch load exited ${result.code}: ${result.stdout}${result.stderr}`);
    const reported = /state types ([\d.]+) ms/.exec(result.stdout);
    into?.load.push(ms);
    if (reported) into?.analysis.push(Number(reported[1]));
    return result;
  };
  try {
    await runCli(['server', 'stop'], app.discoveryDir, server);
    // The first run reads TypeScript from disk into the page cache, and starts the server: not counted.
    const first = await timedLoad(undefined, server);
    if (!/started a load server/.test(first.stderr)) throw new Error(`no load server started: ${first.stderr}`);
    await waitFor('the load server', async () =>
      (await runCli(['server', 'status'], app.discoveryDir, server)).stdout.includes('load server pid'),
    );
    for (let n = 0; n < TYPESCRIPT_ROUNDS; n++) {
      await timedLoad(figures.own, { HOTPATCH_LOAD_SERVER: '0' });
      await timedLoad(figures.served, server);
    }
  } finally {
    await runCli(['server', 'stop'], app.discoveryDir, server);
    await app.stop();
  }
  return figures;
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
  const typescript = await typescriptLoads();
  const row = (name: string, values: number[]): string =>
    `  ${name.padEnd(9)} p50 ${percentile(values, 50).toFixed(0).padStart(4)} ms  p90 ${percentile(values, 90).toFixed(0).padStart(4)} ms`;
  console.log(`\nThe hotpatch command, start to exit (${ROUNDS} runs each, interleaved)`);
  console.log(row('ls', ls));
  console.log(row('load', load));
  console.log(row('node -e 0', nodeStart));
  console.log(row('load .ts', typescript.served.load));
  console.log(
    `    through the load server; of which the state-type analysis, as the load reports it: p50 ${percentile(typescript.served.analysis, 50).toFixed(0)} ms`,
  );
  console.log(row('load .ts', typescript.own.load));
  console.log(
    `    in a process of its own; of which the state-type analysis: p50 ${percentile(typescript.own.analysis, 50).toFixed(0)} ms`,
  );
  console.log(
    `  ls as a fresh app's first client: p50 ${percentile(connections.first, 50).toFixed(0)} ms, ` +
      `the next ls ${percentile(connections.next, 50).toFixed(0)} ms (${FIRST_CONNECTIONS} apps)`,
  );
  const nodeNote = `of which Node's own start (node -e 0) is ${percentile(nodeStart, 50).toFixed(0)} ms here`;
  recordGoal(msRow('hotpatch ls, wall p50', percentile(ls, 50), LS_GOAL_MS, nodeNote));
  recordGoal(msRow('hotpatch load, wall p50', percentile(load, 50), LOAD_GOAL_MS, nodeNote));
  recordGoal(
    msRow(
      'hotpatch load of a TypeScript module with state, wall p50',
      percentile(typescript.served.load, 50),
      LOAD_GOAL_MS,
      `through the load server the first load starts; in a process of its own (HOTPATCH_LOAD_SERVER=0) ${percentile(typescript.own.load, 50).toFixed(0)} ms, of which its analysis, started cold, ${percentile(typescript.own.analysis, 50).toFixed(0)} ms`,
    ),
  );
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
