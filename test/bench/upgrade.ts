/**
 * Upgrade pause benchmark: figures to read, never assertions. Run with `npm run bench` (after
 * bench/run.ts) or `cd test && npx tsx bench/upgrade.ts`. BENCH_NODE=20,22 picks the Node
 * versions (default: the one running this script); BENCH_PROCESSES=1,1000 the process counts.
 *
 * For 1, 1,000 and 100,000 counter server processes (under supervisors of 1,000) in the
 * bench-servers fixture app, with a steady load of calls and casts to random processes
 * generated inside the app: prepare and commit an upgrade whose codeChange changes the state
 * shape, then stop the load, let every mailbox drain, and count the messages each process
 * handled. Reported: the agent's own timings (CommitResult), the longest event-loop block seen
 * by the app's perf_hooks.monitorEventLoopDelay during prepare and during commit (and, for
 * comparison, under the load alone), and messages sent, lost and handled twice. A last row
 * runs the largest count with the release handler's chunkSize option set past the process
 * count (dry run, suspend, migration and resume each in a single event-loop turn), to show
 * what the chunking buys.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { StateShape } from 'hotpatch-agent/protocol';
import { App } from '../helpers/app';
import { nodeRuntimes, type NodeRuntime } from '../helpers/paths';
import { waitFor } from '../helpers/wait';

/** Messages per second, half calls and half casts. */
const RATE = 4000;
/** Load before measuring, baseline window, and load after the commit. */
const WARM_MS = 1000;
const BASELINE_MS = 1000;
const AFTER_MS = 1000;

/** Version 2 of bench-servers/counter.js: the counters move into `counts`, split by kind. */
const counterV2 = `
const { defineServer } = require('hotpatch-agent');
exports.vsn = '2';
function handle(kind, message, state) {
  globalThis.benchLedger.mark(message.seq);
  const counts = { ...state.counts, handled: state.counts.handled + 1, [kind]: state.counts[kind] + 1 };
  return { ...state, counts, last: message.seq, outOfOrder: state.outOfOrder + (message.seq <= state.last ? 1 : 0) };
}
exports.counter = defineServer({
  init: (args) => ({ index: args.index, counts: { handled: 0, calls: 0, casts: 0 }, last: 0, outOfOrder: 0, migratedFrom: null }),
  handleCall: (message, state) => ({ reply: { vsn: '2' }, state: handle('calls', message, state) }),
  handleCast: (message, state) => handle('casts', message, state),
  codeChange(from, state) {
    if (typeof from === 'object') {
      return { index: state.index, handled: state.counts.handled, last: state.last, outOfOrder: state.outOfOrder };
    }
    return {
      index: state.index,
      counts: { handled: state.handled, calls: 0, casts: 0 },
      last: state.last,
      outOfOrder: state.outOfOrder,
      migratedFrom: from,
    };
  },
});
`;

const number: StateShape = { type: 'number' };
const counterShape: StateShape = {
  type: 'object',
  properties: {
    index: { shape: number },
    counts: {
      shape: {
        type: 'object',
        properties: { handled: { shape: number }, calls: { shape: number }, casts: { shape: number } },
      },
    },
    last: { shape: number },
    outOfOrder: { shape: number },
  },
};

interface Case {
  processes: number;
  unchunked?: boolean;
}

interface LoopStats {
  maxMs: number;
  p99Ms: number;
}

interface LoadReport {
  sent: number;
  calls: number;
  answered: number;
  callErrors: number;
  firstCallErrors: string[];
  handled: number;
  lost: number;
  neverHandled: number;
  duplicates: number;
  outOfOrder: number;
  stillPending: boolean;
}

interface Row {
  node: string;
  label: string;
  processes: number;
  startupMs: number;
  prepareMs: number;
  totalMs: number;
  suspendMs: number;
  migrateMs: number;
  agentBlockMs: number;
  loopPrepare: LoopStats;
  loopCommit: LoopStats;
  loopBaseline: LoopStats;
  migrated: number;
  load: LoadReport;
}

const ms = (value: number): string => `${value.toFixed(1)} ms`;
const thousands = (value: number): string => value.toLocaleString('en-US');

function table(headers: string[], rows: string[][], leftColumns: number): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i < leftColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function benchCase(runtime: NodeRuntime, { processes, unchunked }: Case): Promise<Row> {
  const startedAt = performance.now();
  const app = await App.start('cjs', {
    runtime,
    fixture: 'bench-servers',
    env: { PROCESSES: String(processes), ...(unchunked ? { BENCH_UNCHUNKED: '1' } : {}) },
  });
  const client = await app.connect();
  const getJson = async <T>(path: string): Promise<T> => JSON.parse(await app.get(path)) as T;
  // The histogram records the gap between two ticks of its 1 ms timer, and a reset forgets the
  // last tick: a block starting before the next tick would go unseen. Let a few ticks pass.
  const resetLoop = async (): Promise<void> => {
    await app.get('/loop/reset');
    await delay(20);
  };
  try {
    await waitFor(
      `${processes} initialized processes`,
      async () => (await getJson<{ initialized: number }>('/stats')).initialized === processes,
      60_000,
    );
    const startupMs = performance.now() - startedAt;
    const file = app.file('counter.js');

    await app.get(`/load/start?rate=${RATE}`);
    await delay(WARM_MS);
    await resetLoop();
    await delay(BASELINE_MS);
    const loopBaseline = await getJson<LoopStats>('/loop/stats');

    await resetLoop();
    const plan = await client.prepare({
      modules: [{ file, code: counterV2, origin: 'protocol' }],
      shapes: { [file]: counterShape },
      previews: 1,
    });
    const loopPrepare = await getJson<LoopStats>('/loop/stats');
    if (!plan.ok) throw new Error(`prepare failed: ${JSON.stringify(plan.errors.slice(0, 3))}`);

    await resetLoop();
    const result = await client.commit(plan.id, 30_000);
    const loopCommit = await getJson<LoopStats>('/loop/stats');

    await waitFor(
      'calls answered by the new code',
      async () => (await getJson<{ lastVsn?: string }>('/stats')).lastVsn === '2',
    );
    await delay(AFTER_MS);
    const load = await getJson<LoadReport>('/load/stop');
    return {
      node: `v${runtime.major}`,
      label: `${thousands(processes)}${unchunked ? ' (unchunked)' : ''}`,
      processes,
      startupMs,
      prepareMs: plan.timings.prepareMs,
      totalMs: result.timings.totalMs,
      suspendMs: result.timings.suspendMs,
      migrateMs: result.timings.migrateMs,
      agentBlockMs: result.timings.longestBlockMs,
      loopPrepare,
      loopCommit,
      loopBaseline,
      migrated: result.processes,
      load,
    };
  } catch (error) {
    const { stdout, stderr } = app.output;
    throw new Error(`${String(error)}\napp output:\n${stdout.slice(-2000)}\n${stderr.slice(-4000)}`);
  } finally {
    client.close();
    await app.stop();
  }
}

async function main(): Promise<void> {
  const wanted = process.env.BENCH_NODE?.split(',').map(Number);
  const runtimes = nodeRuntimes().filter((r) => (wanted ? wanted.includes(r.major) : r.bin === process.execPath));
  const counts = process.env.BENCH_PROCESSES?.split(',').map(Number) ?? [1, 1000, 100_000];
  const cases: Case[] = [
    ...counts.map((processes) => ({ processes })),
    { processes: Math.max(...counts), unchunked: true },
  ];
  const startedAt = performance.now();
  console.log(
    `\nUpgrade pause under load (${runtimes.map((r) => `node ${r.major}`).join(', ')}): ${thousands(RATE)} messages/s ` +
      `(calls and casts to random processes) generated inside the app; figures, not assertions.\n`,
  );

  const rows: Row[] = [];
  for (const runtime of runtimes) {
    for (const c of cases) {
      process.stderr.write(
        `  node ${runtime.major}, ${thousands(c.processes)} processes${c.unchunked ? ' unchunked' : ''}...\n`,
      );
      rows.push(await benchCase(runtime, c));
    }
  }
  console.log(
    table(
      [
        'node',
        'processes',
        'prepare',
        'commit total',
        'suspend',
        'migrate',
        'agent longest block',
        'loop max: prepare',
        'loop max: commit',
        'loop max: load only',
        'sent',
        'lost',
        'duplicates',
      ],
      rows.map((r) => [
        r.node,
        r.label,
        ms(r.prepareMs),
        ms(r.totalMs),
        ms(r.suspendMs),
        ms(r.migrateMs),
        ms(r.agentBlockMs),
        ms(r.loopPrepare.maxMs),
        ms(r.loopCommit.maxMs),
        ms(r.loopBaseline.maxMs),
        thousands(r.load.sent),
        thousands(r.load.lost),
        thousands(r.load.duplicates),
      ]),
      2,
    ),
  );
  console.log(
    `\nprepare: agent/prepare (evaluate, dry-run codeChange on copies, shape check); commit total, suspend, ` +
      `migrate, agent longest block: the agent's CommitResult.timings. loop max: the longest event-loop delay ` +
      `the app's monitorEventLoopDelay (1 ms resolution) saw while prepare, commit, or ${BASELINE_MS} ms of load ` +
      `alone ran. sent: messages during the whole run (${WARM_MS + BASELINE_MS} ms before the upgrade, ` +
      `${AFTER_MS} ms after); lost: sent minus the sum of the processes' own handled counts after the load ` +
      `stopped and every mailbox drained; duplicates: messages the ledger saw handled more than once. ` +
      `Each app upgrades once, so these are first upgrades: about 10 ms of the prepare block at any count is ` +
      `the agent's first parse of prepare params (cold code). (unchunked): chunkSize past the process count, ` +
      `so the dry run, suspend, migration and resume each run in one turn.`,
  );
  const anomalies = rows.flatMap((r) => {
    const { load } = r;
    const found: string[] = [];
    if (load.lost !== 0) found.push(`${load.lost} lost`);
    if (load.duplicates > 0) found.push(`${load.duplicates} handled twice`);
    if (load.neverHandled !== load.lost) found.push(`ledger: ${load.neverHandled} never handled`);
    if (load.outOfOrder > 0) found.push(`${load.outOfOrder} handled out of order`);
    if (load.callErrors > 0) found.push(`${load.callErrors} call errors (${load.firstCallErrors.join('; ')})`);
    if (load.answered + load.callErrors !== load.calls) found.push(`${load.calls - load.answered} calls unanswered`);
    if (load.stillPending) found.push('mailboxes still not drained after 60 s');
    if (r.migrated !== r.processes) found.push(`${r.migrated} of ${r.processes} processes migrated`);
    return found.length > 0 ? [`${r.node} ${r.label}: ${found.join(', ')}`] : [];
  });
  for (const anomaly of anomalies) console.log(`ANOMALY ${anomaly}`);
  // Not a timing: every message must be handled exactly once, across every upgrade.
  if (anomalies.length > 0) process.exitCode = 1;
  console.log(
    `startup (spawn and init, until all initialized): ` +
      rows.map((r) => `${r.node} ${r.label} ${ms(r.startupMs)}`).join('; '),
  );
  console.log(`total ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
