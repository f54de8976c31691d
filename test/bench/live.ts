/**
 * The cost of live code (figures, never assertions), measured side by side in one run:
 *
 * - a call through a live function (its prologue, which folds away until the module gets a new
 *   body: see guard-cell.ts) against the same call in the same app without the agent: a local
 *   function, an inline arrow, an arrow with a default parameter, a class method, an exported
 *   function through the module's face, each with doubles, small integers, strings and
 *   objects, 10 M calls each, the best of five interleaved rounds, printed next to issue 13's
 *   goal (≤ ×1.5);
 * - an Express app's throughput with and without the agent: 8 keep-alive clients for 3 s,
 *   rounds interleaved, median requests per second.
 *
 * Run with `npm run bench` (builds first) or `cd test && npx tsx bench/live.ts`.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { repoRoot, tmpRoot } from '../helpers/paths';
import { ratioRow, recordGoal } from './goals';
import { percentile } from './stats';

const CALLS = 10_000_000;
/** Issue 13's goal for a call through live code, against the same call without the agent. */
const CALL_GOAL = 1.5;
const ROUNDS = 5;
const LOAD_SECONDS = 3;
const CLIENTS = 8;

/**
 * The argument kinds of issue 13, each with functions of its own (V8's feedback is per
 * function: after the double cases the same add ran as double arithmetic): doubles (a sum that
 * grows past the small integers, which V8 boxes wherever a call may happen), small integers
 * (`& 1023`), strings and objects. `step` is one loop iteration around the call `f(a, b)`.
 */
const ARGUMENT_KINDS = [
  { kind: 'doubles', body: 'return a + b;', start: 'let s = 0.5;', step: (f: string) => `s = ${f}(s, i * 0.5);` },
  { kind: 'small ints', body: 'return a + b;', start: 'let s = 0;', step: (f: string) => `s = ${f}(s, i) & 1023;` },
  {
    kind: 'strings',
    body: 'return a.length + b.length;',
    start: "let s = 0; const x = 'abc', y = 'de' + calls;",
    step: (f: string) => `s = (s + ${f}(x, y)) & 1023;`,
  },
  {
    kind: 'objects',
    body: 'return a.n + b.n;',
    start: 'let s = 0; const x = { n: 1 }, y = { n: 2 };',
    step: (f: string) => `s = (s + ${f}(x, y)) & 1023;`,
  },
];

/** The module the calls are made in: a local function, an arrow, a class method and an export per kind. */
const callsModule = ARGUMENT_KINDS.map(({ body }, k) =>
  [
    `function add${k}(a, b) { ${body} }`,
    `const arrow${k} = (a, b) => { ${body} };`,
    // A default (or destructured) parameter: the agent wraps the arrow (wrapArrow in instrument.ts).
    `const defaulted${k} = (a, b = a) => { ${body} };`,
    `class Adder${k} { add(a, b) { ${body} } }`,
    `exports.add${k} = add${k};`,
  ].join('\n'),
)
  .concat([
    'exports.run = (calls, face) => {',
    ...ARGUMENT_KINDS.map((_, k) => `  const adder${k} = new Adder${k}();`),
    '  const cases = {',
    ...ARGUMENT_KINDS.flatMap(({ kind, start, step }, k) =>
      [
        ['local function', `add${k}`],
        ['inline arrow', `arrow${k}`],
        ['arrow with a default parameter', `defaulted${k}`],
        ['class method', `adder${k}.add`],
        ['exported, through the face', `face.add${k}`],
      ].map(
        ([form, f]) =>
          `    '${form}, ${kind}': () => { ${start} for (let i = 0; i < calls; i++) { ${step(f!)} } return s; },`,
      ),
    ),
    '  };',
    '  const result = {};',
    '  for (const [name, run] of Object.entries(cases)) {',
    '    run();',
    '    const started = process.hrtime.bigint();',
    '    run();',
    '    result[name] = Number(process.hrtime.bigint() - started) / calls;',
    '  }',
    '  return result;',
    '};',
  ])
  .join('\n');
const callsMain = `const calls = require('./calls'); console.log(JSON.stringify(calls.run(${CALLS}, calls)));`;

const expressMain = `
const express = require('express');
const app = express();
const items = Array.from({ length: 20 }, (_, i) => ({ id: i, title: 'item ' + i }));
app.get('/items', (req, res) => res.json(items.slice(0, 10)));
const server = app.listen(0, '127.0.0.1', () => console.log('LISTENING ' + server.address().port));
`;

function scratchApp(files: Record<string, string>): string {
  mkdirSync(tmpRoot, { recursive: true });
  const dir = mkdtempSync(join(tmpRoot, 'bench-live-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  cpSync(join(repoRoot, 'test', 'fixtures', 'apps', 'cjs', 'package.json'), join(dir, 'package.json'));
  return dir;
}

function run(dir: string, args: string[], until?: RegExp): Promise<{ output: string; stop: () => void }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: dir,
      env: { ...process.env, HOTPATCH_DISCOVERY_DIR: join(dir, '.discovery'), HOTPATCH_QUIET: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (until?.test(output)) resolve({ output, stop: () => child.kill() });
    });
    child.once('exit', (code) =>
      until ? reject(new Error(`exited with ${code}`)) : resolve({ output, stop: () => {} }),
    );
  });
}

async function callCosts(): Promise<void> {
  const dir = scratchApp({ 'calls.js': callsModule, 'main.js': callsMain });
  const best = new Map<string, { without: number; with: number }>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const agent of [false, true]) {
      const args = agent ? ['-r', 'hotpatch-agent/register', 'main.js'] : ['main.js'];
      const { output } = await run(dir, args);
      for (const [name, ns] of Object.entries(JSON.parse(output) as Record<string, number>)) {
        const entry = best.get(name) ?? { without: Infinity, with: Infinity };
        if (agent) entry.with = Math.min(entry.with, ns);
        else entry.without = Math.min(entry.without, ns);
        best.set(name, entry);
      }
    }
  }
  console.log(
    `\nA call through a live function (${CALLS / 1e6} M calls, best of ${ROUNDS} interleaved rounds, ns/call; goal ≤ ×${CALL_GOAL})`,
  );
  const worstByKind = new Map<string, { ratio: number; name: string }>();
  for (const [name, { without, with: withAgent }] of best) {
    const ratio = withAgent / without;
    console.log(
      `  ${name.padEnd(44)} without ${without.toFixed(2).padStart(6)}  with ${withAgent.toFixed(2).padStart(6)}  ×${ratio.toFixed(2)}  ${ratio <= CALL_GOAL ? 'meets' : 'misses'} ≤ ×${CALL_GOAL}`,
    );
    const kind = name.slice(name.lastIndexOf(', ') + 2);
    if (ratio > (worstByKind.get(kind)?.ratio ?? 0)) worstByKind.set(kind, { ratio, name });
  }
  for (const [kind, { ratio, name }] of worstByKind) {
    recordGoal(ratioRow(`call through live code, ${kind} (worst: ${name.split(',')[0]})`, ratio, CALL_GOAL));
  }
  rmSync(dir, { recursive: true, force: true });
}

async function requestsPerSecond(port: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const deadline = performance.now() + LOAD_SECONDS * 1000;
  let done = 0;
  const client = async (): Promise<void> => {
    while (performance.now() < deadline) {
      await new Promise<void>((resolve, reject) => {
        request({ host: '127.0.0.1', port, path: '/items', agent }, (response) => {
          response.resume();
          response.once('end', () => {
            done++;
            resolve();
          });
        })
          .once('error', reject)
          .end();
      });
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  agent.destroy();
  return done / LOAD_SECONDS;
}

async function throughput(): Promise<void> {
  const dir = scratchApp({ 'app.js': expressMain });
  const figures = { without: [] as number[], with: [] as number[] };
  for (let round = 0; round < 3; round++) {
    for (const agent of [false, true]) {
      const args = agent ? ['-r', 'hotpatch-agent/register', 'app.js'] : ['app.js'];
      const app = await run(dir, args, /LISTENING (\d+)/);
      const port = Number(/LISTENING (\d+)/.exec(app.output)![1]);
      await requestsPerSecond(port); // warm-up
      (agent ? figures.with : figures.without).push(await requestsPerSecond(port));
      app.stop();
    }
  }
  const without = percentile(figures.without, 50);
  const withAgent = percentile(figures.with, 50);
  console.log(`\nExpress throughput, ${CLIENTS} keep-alive clients, ${LOAD_SECONDS} s rounds, median of 3 interleaved`);
  console.log(
    `  without the agent ${without.toFixed(0)} req/s, with ${withAgent.toFixed(0)} req/s  ×${(withAgent / without).toFixed(2)}`,
  );
  rmSync(dir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  await callCosts();
  await throughput();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
