/**
 * Generated module versions and many loads of them, for the leak test and the benchmark: the
 * `payload` module of the leak-cjs and leak-esm fixtures, replaced thousands of times.
 */
import type { LoadResult } from 'hotpatch-agent/protocol';
import type { AgentClient } from 'hotpatch-extension/engine';
import type { App } from './app';

export interface PayloadOptions {
  /** Helper functions, one a line (≈100 bytes each); 200 gives a ≈20 KB module. */
  lines?: number;
  /** `ts`: `export` syntax with type annotations, for the compiler; `esm`: `export` syntax; `cjs` (default): `exports.x = ...`. */
  syntax?: 'cjs' | 'esm' | 'ts';
}

/**
 * Version `n` of the payload module: every version differs (the counter is in a string
 * constant and in `vsn`) and exports `describe()`, which returns `payload-<n>`.
 */
export function payloadModule(n: number, options: PayloadOptions = {}): string {
  const lines = options.lines ?? 200;
  const ts = options.syntax === 'ts';
  const out: string[] = [`// payload version ${n}, generated`, `const VERSION = 'payload-${n}';`];
  for (let i = 0; i < lines; i++) {
    const param = ts ? 'x: number, y: number' : 'x, y';
    const ret = ts ? ': number' : '';
    out.push(
      `function helper${i}(${param})${ret} { return x * ${i} + y - VERSION.length + ${(i * 7919) % 1000} /* ${'#'.repeat(16)} */; }`,
    );
  }
  const describe = `return VERSION + (helper0(0, 0) === helper${lines - 1}(0, 0) ? '' : '');`;
  if (ts) {
    out.push(`export const vsn: string = '${n}';`, `export function describe(): string { ${describe} }`);
  } else if (options.syntax === 'esm') {
    out.push(`export const vsn = '${n}';`, `export function describe() { ${describe} }`);
  } else {
    out.push(`exports.vsn = '${n}';`, `exports.describe = function describe() { ${describe} };`);
  }
  return out.join('\n') + '\n';
}

/**
 * Loads versions `from` … `to - 1` of `file` through the protocol, `inFlight` requests at a
 * time (the agent handles them one by one, in order; the pipeline only hides the round trip).
 * `code(n)` gives version n's code (CommonJS, or an ES module's).
 */
export async function loadVersions(
  client: AgentClient,
  file: string,
  range: { from: number; to: number },
  code: (n: number) => string,
  inFlight = 8,
): Promise<LoadResult | undefined> {
  let next = range.from;
  let last: LoadResult | undefined;
  const worker = async (): Promise<void> => {
    while (next < range.to) {
      const n = next++;
      const result = await client.load({ file, code: code(n), origin: 'protocol' });
      if (!last || result.module.current.seq > last.module.current.seq) last = result;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return last;
}

/**
 * The app's retained heap: its `/heap` endpoint runs `gc()` (the app needs `--expose-gc`) and
 * answers `heapUsed`; the least of a few reads drops noise from the requests themselves.
 */
export async function retainedHeap(app: App, reads = 5): Promise<number> {
  let least = Infinity;
  for (let i = 0; i < reads; i++) {
    const text = await app.get('/heap');
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`/heap answered ${JSON.stringify(text)}`);
    least = Math.min(least, value);
  }
  return least;
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}
