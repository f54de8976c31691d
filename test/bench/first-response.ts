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
 * The goals are this machine's Node's. The same figures are printed for the other Node versions
 * the tests run on, where installed (`npm run pretest`), over OTHER_ROUNDS rounds, for comparison:
 * from 22.15 (24.11.1 on 24) the agent's module hooks run in the app's thread.
 *
 * `cd test && npx tsx bench/first-response.ts` (part of `npm run bench`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../corpus/lib/procs';
import { nodeRuntimes, repoRoot, tmpRoot } from '../helpers/paths';
import { ratioRow, recordGoal } from './goals';
import { passThroughHook } from './pass-through-hook';
import { pairedRatio, percentile } from './stats';

const ROUNDS = 21;
/** Rounds on the other Node versions: figures for comparison, with no goal of their own. */
const OTHER_ROUNDS = 11;
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
async function firstResponseMs(node: string, dir: string, args: string[], discoveryDir: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(node, args, {
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

/** The subject's first response without the agent, with it, and with a load hook that does nothing, on `node` (`version`). */
async function measure(
  subject: Subject,
  node: string,
  version: string,
  rounds: number,
): Promise<{ plain: number[]; agent: number[]; hooked: number[] }> {
  const dir = mkdtempSync(join(tmpRoot, `first-response-${subject.corpusApp}-`));
  cpSync(join(repoRoot, 'test', 'corpus', 'apps', subject.corpusApp), dir, { recursive: true });
  const hook = subject.hooked ? passThroughHook(dir)(version) : undefined;
  const times = { plain: [] as number[], agent: [] as number[], hooked: [] as number[] };
  try {
    const discovery = join(dir, '.discovery');
    const run = (into: number[], args: string[]) => async () => {
      into.push(await firstResponseMs(node, dir, [...args, subject.entry], discovery));
    };
    for (let round = 0; round < rounds; round++) {
      const runs = [run(times.plain, []), run(times.agent, subject.agent), ...(hook ? [run(times.hooked, hook)] : [])];
      for (const start of round % 2 === 0 ? runs : runs.reverse()) await start();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return times;
}

function print(
  subject: Subject,
  { plain, agent, hooked }: { plain: number[]; agent: number[]; hooked: number[] },
): void {
  console.log(
    `  ${subject.name.padEnd(26)} ${percentile(plain, 50).toFixed(0).padStart(5)} ms without, ` +
      `${percentile(agent, 50).toFixed(0).padStart(5)} ms with: ×${pairedRatio(agent, plain).toFixed(2)} (goal ≤ ×${GOAL})`,
  );
  if (hooked.length > 0) {
    console.log(
      `  ${''.padEnd(26)} ${percentile(hooked, 50).toFixed(0).padStart(5)} ms with a load hook that does nothing: ` +
        `×${pairedRatio(hooked, plain).toFixed(2)}`,
    );
  }
}

async function main(): Promise<void> {
  mkdirSync(tmpRoot, { recursive: true });
  console.log(
    `\nSpawn to first response, without and with the agent (node ${process.versions.node}, p50 of ${ROUNDS}; ratio: median of the rounds' own)`,
  );
  for (const subject of SUBJECTS) {
    const times = await measure(subject, process.execPath, process.versions.node, ROUNDS);
    print(subject, times);
    const floor =
      times.hooked.length > 0
        ? `a load hook that does nothing costs ×${pairedRatio(times.hooked, times.plain).toFixed(2)} here`
        : undefined;
    recordGoal(
      ratioRow(
        `first response of an ${subject.name} with the agent`,
        pairedRatio(times.agent, times.plain),
        GOAL,
        floor,
      ),
    );
  }
  for (const runtime of nodeRuntimes().filter((r) => r.bin !== process.execPath)) {
    const version = spawnSync(runtime.bin, ['--version'], { encoding: 'utf8' }).stdout.trim().replace(/^v/, '');
    console.log(`\n  node ${version} (p50 of ${OTHER_ROUNDS}, for comparison)`);
    for (const subject of SUBJECTS) {
      const times = await measure(subject, runtime.bin, version, OTHER_ROUNDS);
      print(subject, times);
      const figure = `first response of an ${subject.name} with the agent, node v${version}`;
      const measured = `×${pairedRatio(times.agent, times.plain).toFixed(2)}`;
      const floor =
        times.hooked.length > 0
          ? ` (a hook that does nothing: ×${pairedRatio(times.hooked, times.plain).toFixed(2)})`
          : '';
      recordGoal({ figure, measured: measured + floor, goal: '(for comparison)', met: null });
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
