/**
 * Benchmarks: figures to read, never assertions. Run with `npm run bench` (builds first) or
 * `cd test && npx tsx bench/run.ts`. Restrict the Node versions with BENCH_NODE=20,22.
 *
 * - hot-load round trip through the protocol (client → agent evaluates and commits → reply)
 *   for a 100-line and a 500-line TypeScript module compiled by esbuild, into a CommonJS and
 *   an ES module app started side by side, loads alternating between them;
 * - esbuild compile time for those modules (the engine's compileModule);
 * - retained heap per 1,000 loads, after gc, once the app is warm.
 */
import { compileModule } from 'hotpatch-extension/engine';
import type { AgentClient } from 'hotpatch-extension/engine';
import { App } from '../helpers/app';
import { nodeRuntimes, type NodeRuntime } from '../helpers/paths';
import { loadVersions, payloadModule, retainedHeap } from '../helpers/versions';
import { percentile } from './stats';

const SIZES = [100, 500];
/** Sequential loads timed per module size and app, after WARM_LOADS untimed ones. */
const TIMED_LOADS = 150;
const WARM_LOADS = 30;
/** Retained heap: measured after HEAP_WARM loads, then again after HEAP_LOADS more (pipelined). */
const HEAP_WARM = 1000;
const HEAP_LOADS = 3000;
const COMPILES = 100;

const kinds = {
  cjs: { fixture: 'leak-cjs', payload: 'payload.js' },
  esm: { fixture: 'leak-esm', payload: 'payload.mjs' },
} as const;
type Kind = keyof typeof kinds;

interface Row {
  node: string;
  app: Kind;
  lines: number;
  kb: number;
  roundTrip: number[];
  evaluate: number[];
  agentTotal: number[];
  heapPer1000?: number;
}

const ms = (value: number): string => `${value.toFixed(2)} ms`;

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Version n of the `lines`-line module as its TypeScript source. */
const tsSource = (n: number, lines: number): string => payloadModule(n, { lines, syntax: 'ts' });

/** A compiled version with its counter changed: the same code as compiling version n, without compiling. */
const withCounter = (compiled: string, n: number): string =>
  compiled.replace(/payload-\d+/g, `payload-${n}`).replace(/vsn = "\d+"/, `vsn = "${n}"`);

async function compileFigures(): Promise<string[][]> {
  const rows: string[][] = [];
  for (const lines of SIZES) {
    const times: number[] = [];
    for (let n = 0; n < COMPILES + 10; n++) {
      const { compileMs } = await compileModule('/bench/payload.ts', tsSource(n, lines), process.version);
      if (n >= 10) times.push(compileMs);
    }
    const kb = Buffer.byteLength(tsSource(0, lines)) / 1024;
    rows.push([
      `${lines} lines`,
      `${kb.toFixed(1)} KB`,
      String(COMPILES),
      ms(percentile(times, 50)),
      ms(percentile(times, 99)),
    ]);
  }
  return rows;
}

async function benchRuntime(runtime: NodeRuntime): Promise<Row[]> {
  const started: { kind: Kind; app: App; client: AgentClient; file: string }[] = [];
  try {
    for (const kind of Object.keys(kinds) as Kind[]) {
      const app = await App.start(kind, {
        runtime,
        fixture: kinds[kind].fixture,
        nodeOptions: ['--expose-gc', '--no-flush-bytecode'],
      });
      started.push({ kind, app, client: await app.connect(), file: app.file(kinds[kind].payload) });
    }
    const rows: Row[] = [];
    let n = 1;
    for (const lines of SIZES) {
      // Compile the TypeScript once per version and module format, as the language server does on save.
      const nodeVersion = started[0]!.client.info.nodeVersion;
      const versionsOf: Record<Kind, string[]> = { cjs: [], esm: [] };
      for (let i = 0; i < WARM_LOADS + TIMED_LOADS; i++) {
        const source = tsSource(n + i, lines);
        versionsOf.cjs.push((await compileModule('/bench/payload.ts', source, nodeVersion)).code);
        const esm = { file: '/bench/payload.ts', format: 'esm' } as const;
        versionsOf.esm.push((await compileModule('/bench/payload.ts', source, nodeVersion, esm)).code);
      }
      const versions = versionsOf.cjs;
      const sizeRows = started.map(({ kind }): Row => ({
        node: `v${runtime.major}`,
        app: kind,
        lines,
        kb: Buffer.byteLength(versions[0]!) / 1024,
        roundTrip: [],
        evaluate: [],
        agentTotal: [],
      }));
      for (let i = 0; i < versions.length; i++) {
        // Side by side: each version goes to the CJS app, then to the ESM app, one at a time.
        for (const [index, { kind, client, file }] of started.entries()) {
          const before = performance.now();
          const result = await client.load({ file, code: versionsOf[kind][i]!, origin: 'protocol' });
          const roundTrip = performance.now() - before;
          if (i < WARM_LOADS) continue;
          sizeRows[index]!.roundTrip.push(roundTrip);
          sizeRows[index]!.evaluate.push(result.timings.evaluateMs);
          sizeRows[index]!.agentTotal.push(result.timings.totalMs);
        }
      }
      n += versions.length;

      // Retained heap: both apps at once (separate processes; only the time is shared).
      const from = n;
      await Promise.all(
        started.map(async ({ kind, app, client, file }, index) => {
          const code = (v: number): string => withCounter(versionsOf[kind][0]!, v);
          await loadVersions(client, file, { from, to: from + HEAP_WARM }, code);
          const before = await retainedHeap(app);
          await loadVersions(client, file, { from: from + HEAP_WARM, to: from + HEAP_WARM + HEAP_LOADS }, code);
          const after = await retainedHeap(app);
          sizeRows[index]!.heapPer1000 = ((after - before) / HEAP_LOADS) * 1000;
        }),
      );
      n += HEAP_WARM + HEAP_LOADS;
      rows.push(...sizeRows);
    }
    return rows;
  } finally {
    for (const { app, client } of started) {
      client.close();
      await app.stop();
    }
  }
}

async function main(): Promise<void> {
  const wanted = process.env.BENCH_NODE?.split(',').map(Number);
  const runtimes = nodeRuntimes().filter((r) => !wanted || wanted.includes(r.major));
  const startedAt = performance.now();
  console.log(`Hotpatch benchmarks (${runtimes.map((r) => `node ${r.major}`).join(', ')}); figures, not assertions.\n`);

  const compiles = await compileFigures();
  console.log(`esbuild compile (TypeScript → CommonJS with inline source map, warm, ${process.version} target)`);
  console.log(table(['module', 'source', 'runs', 'p50', 'p99'], compiles) + '\n');

  const rows: Row[] = [];
  for (const runtime of runtimes) {
    process.stderr.write(`  node ${runtime.major}...\n`);
    rows.push(...(await benchRuntime(runtime)));
  }
  console.log(
    `hot load through the protocol (${TIMED_LOADS} sequential loads per row after ${WARM_LOADS} warm-up; ` +
      `CJS and ESM apps loaded alternately)`,
  );
  console.log(
    table(
      [
        'node',
        'app',
        'module',
        'code',
        'round trip p50',
        'p99',
        'agent evaluate p50',
        'agent total p50',
        'heap/1000 loads',
      ],
      rows.map((r) => [
        r.node,
        r.app,
        `${r.lines} lines`,
        `${r.kb.toFixed(1)} KB`,
        ms(percentile(r.roundTrip, 50)),
        ms(percentile(r.roundTrip, 99)),
        ms(percentile(r.evaluate, 50)),
        ms(percentile(r.agentTotal, 50)),
        r.heapPer1000 === undefined ? '-' : `${(r.heapPer1000 / 1024).toFixed(1)} KB`,
      ]),
    ),
  );
  console.log(
    `\nheap/1000 loads: retained heap (gc, least of 5 reads) after ${HEAP_LOADS} pipelined loads minus after ` +
      `${HEAP_WARM} warm-up loads, per 1,000 loads; the app runs with --no-flush-bytecode so startup code ` +
      `aging out does not mask growth. It still includes code V8 optimises as the app warms up, which ` +
      `levels off after a few thousand loads (see integration/leak.test.ts for 10,000).`,
  );
  console.log(`total ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
