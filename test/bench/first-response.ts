/**
 * What the agent costs a real app's startup, as issue 13 first measured it: from spawning an
 * Express app of the corpus to its first HTTP response, without and with the agent, for a
 * CommonJS app (`-r hotpatch-agent/register`) and an ES module one (`--import`). The ES module
 * app is also started with a load hook that does nothing, installed as the agent installs its own
 * (pass-through-hook.ts): what hooking that Node's module loader costs before the agent does
 * anything. Runs are interleaved so a busy machine slows all alike, which goes first alternating
 * from round to round; the ratio is the median of the rounds' own ratios (back-to-back pairs, as
 * the issue measured), over ROUNDS rounds: the p50s of nine runs each moved it by ±0.05 from one
 * bench to the next, half the goal's margin. Figures only.
 *
 * `cd test && npx tsx bench/first-response.ts` (part of `npm run bench`).
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../corpus/lib/procs';
import { repoRoot, tmpRoot } from '../helpers/paths';
import { ratioRow, recordGoal } from './goals';
import { passThroughHook } from './pass-through-hook';
import { pairedRatio, percentile } from './stats';

const ROUNDS = 21;
/** Issue 13: startup with the agent within ×1.1 of the app's own. */
const GOAL = 1.1;
/** How long an app may take to answer before the run counts as broken. */
const DEADLINE_MS = 20_000;

interface Subject {
  name: string;
  corpusApp: string;
  entry: string;
  agent: string[];
  /** Also started with a load hook that does nothing: every module of the app goes through the agent's hooks. */
  hooked?: boolean;
}

const SUBJECTS: Subject[] = [
  {
    name: 'Express app (CommonJS)',
    corpusApp: 'express-mvc',
    entry: 'app.js',
    agent: ['-r', 'hotpatch-agent/register'],
  },
  {
    name: 'Express app (ES modules)',
    corpusApp: 'express-esm',
    entry: 'app.js',
    agent: ['--import', 'hotpatch-agent/register'],
    hooked: true,
  },
];

/** Spawn to the first HTTP response of any status, in ms. */
async function firstResponseMs(dir: string, args: string[], discoveryDir: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: { ...process.env, PORT: String(port), HOTPATCH_DISCOVERY_DIR: discoveryDir, HOTPATCH_QUIET: '1' },
    stdio: 'ignore',
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`node ${args.join(' ')} exited ${code} before answering`))),
  );
  exited.catch(() => undefined);
  try {
    while (performance.now() - started < DEADLINE_MS) {
      const answered = await Promise.race([
        fetch(`http://127.0.0.1:${port}/health`).then(
          async (response) => (await response.arrayBuffer(), true),
          () => false,
        ),
        exited,
      ]);
      if (answered) return performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    throw new Error(`node ${args.join(' ')} did not answer within ${DEADLINE_MS} ms`);
  } finally {
    child.kill();
  }
}

async function main(): Promise<void> {
  mkdirSync(tmpRoot, { recursive: true });
  console.log(
    `\nSpawn to first response, without and with the agent (node ${process.versions.node}, p50 of ${ROUNDS}; ratio: median of the rounds' own)`,
  );
  for (const subject of SUBJECTS) {
    const dir = mkdtempSync(join(tmpRoot, `first-response-${subject.corpusApp}-`));
    cpSync(join(repoRoot, 'test', 'corpus', 'apps', subject.corpusApp), dir, { recursive: true });
    const hook = subject.hooked ? passThroughHook(dir)(process.versions.node) : undefined;
    const plain: number[] = [];
    const agent: number[] = [];
    const hooked: number[] = [];
    try {
      const discovery = join(dir, '.discovery');
      for (let round = 0; round < ROUNDS; round++) {
        const runs = [
          async () => plain.push(await firstResponseMs(dir, [subject.entry], discovery)),
          async () => agent.push(await firstResponseMs(dir, [...subject.agent, subject.entry], discovery)),
          ...(hook ? [async () => hooked.push(await firstResponseMs(dir, [...hook, subject.entry], discovery))] : []),
        ];
        for (const run of round % 2 === 0 ? runs : runs.reverse()) await run();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const ratio = pairedRatio(agent, plain);
    console.log(
      `  ${subject.name.padEnd(26)} ${percentile(plain, 50).toFixed(0).padStart(5)} ms without, ` +
        `${percentile(agent, 50).toFixed(0).padStart(5)} ms with: ×${ratio.toFixed(2)} (goal ≤ ×${GOAL})`,
    );
    if (hook) {
      console.log(
        `  ${''.padEnd(26)} ${percentile(hooked, 50).toFixed(0).padStart(5)} ms with a load hook that does nothing: ` +
          `×${pairedRatio(hooked, plain).toFixed(2)}`,
      );
    }
    const floor = hook
      ? `a load hook that does nothing costs ×${pairedRatio(hooked, plain).toFixed(2)} here`
      : undefined;
    recordGoal(ratioRow(`first response of an ${subject.name} with the agent`, ratio, GOAL, floor));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
