/**
 * The cost of live code (figures, never assertions), measured side by side in one run:
 *
 * - a call through a live function (its one-comparison prologue) against the same call in the
 *   same app without the agent: a local function, an inline arrow, a class method, an exported
 *   function through the module's face, 10 M calls each, the best of five interleaved rounds,
 *   printed next to issue 13's goal (≤ ×1.5);
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
import { percentile } from './stats';

const CALLS = 10_000_000;
/** Issue 13's goal for a call through live code, against the same call without the agent. */
const CALL_GOAL = 1.5;
const ROUNDS = 5;
const LOAD_SECONDS = 3;
const CLIENTS = 8;

/**
 * Each case twice: with a sum that grows past the small integers (a double: a live
 * function's prologue, which may pass its arguments on, makes V8 box it at every call) and
 * with one kept small (`& 1023`: objects and small integers, what most app code passes).
 */
const callsModule = `
function add(a, b) { return a + b; }
const inline = (a, b) => a + b;
class Adder { add(a, b) { return a + b; } }
// The same again for the small integers: V8's feedback is per function, so they do not share it.
function addInt(a, b) { return a + b; }
const inlineInt = (a, b) => a + b;
class AdderInt { add(a, b) { return a + b; } }
exports.add = add;
exports.addInt = addInt;
exports.run = (calls, face) => {
  const adder = new Adder();
  const adderInt = new AdderInt();
  const cases = {
    'local function': () => { let s = 0; for (let i = 0; i < calls; i++) s = add(s, i); return s; },
    'inline arrow': () => { let s = 0; for (let i = 0; i < calls; i++) s = inline(s, i); return s; },
    'class method': () => { let s = 0; for (let i = 0; i < calls; i++) s = adder.add(s, i); return s; },
    'exported, through the face': () => { let s = 0; for (let i = 0; i < calls; i++) s = face.add(s, i); return s; },
    'local function, small ints': () => { let s = 0; for (let i = 0; i < calls; i++) s = addInt(s, i) & 1023; return s; },
    'inline arrow, small ints': () => { let s = 0; for (let i = 0; i < calls; i++) s = inlineInt(s, i) & 1023; return s; },
    'class method, small ints': () => { let s = 0; for (let i = 0; i < calls; i++) s = adderInt.add(s, i) & 1023; return s; },
    'exported, small ints': () => { let s = 0; for (let i = 0; i < calls; i++) s = face.addInt(s, i) & 1023; return s; },
  };
  const result = {};
  for (const [name, run] of Object.entries(cases)) {
    run();
    const started = process.hrtime.bigint();
    run();
    result[name] = Number(process.hrtime.bigint() - started) / calls;
  }
  return result;
};
`;
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
  for (const [name, { without, with: withAgent }] of best) {
    const ratio = withAgent / without;
    console.log(
      `  ${name.padEnd(28)} without ${without.toFixed(2).padStart(6)}  with ${withAgent.toFixed(2).padStart(6)}  ×${ratio.toFixed(2)}  ${ratio <= CALL_GOAL ? 'meets' : 'misses'} ≤ ×${CALL_GOAL}`,
    );
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
