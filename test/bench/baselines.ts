/**
 * Save → live against the tools people use instead, on the same app and the same 30 edits:
 * Hotpatch through its language server, `node --watch`, and `bun --hot` (`npm run bench` installs
 * Bun first, scripts/ensure-bun.mjs; where it cannot, the row says "not installed"). A client requests the
 * app every REQUEST_EVERY_MS throughout; an edit is live when a request answers with its text.
 * Prints, per tool, save → live p50 and p99, the request latency p99 under that load, and the
 * requests that failed (a restart drops connections). Figures only.
 *
 * `cd test && npx tsx bench/baselines.ts` (part of `npm run bench`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LspSession } from '../helpers/lsp';
import { bunBinary, tmpRoot } from '../helpers/paths';
import { waitFor } from '../helpers/wait';
import { recordGoal } from './goals';
import { percentile } from './stats';

const EDITS = 30;
const REQUEST_EVERY_MS = 10;
/**
 * The load runs this long before the first edit, its requests not counted (the first ones open
 * the connection and run cold), and this long after each edit is live before the next: every
 * tool's request p99 is then over at least EDITS × GAP_MS of load, not over the few requests a
 * fast tool's edits leave time for (Bun's 30 edits took ≈0.1 s: its p99 was its slowest of 14).
 */
const WARM_UP_MS = 1000;
const GAP_MS = 100;

const message = (n: number): string => `exports.text = () => 'edit ${n}';\n`;
const server = `const http = require('node:http');
const message = require('./message');
const server = http.createServer((req, res) => res.end(message.text()));
server.listen(Number(process.env.PORT) || 0, '127.0.0.1', () => console.log('LISTENING ' + server.address().port));
`;

interface Tool {
  name: string;
  command: (dir: string) => [string, string[]] | undefined;
  /** Delivers the saved text (the baselines watch the file; the language server is told). */
  save?: (file: string, text: string) => Promise<void>;
}

async function get(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/`);
  return response.text();
}

/** Polls every millisecond or two: waitFor's backoff would add up to its interval to every figure. */
async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await probe())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

async function measure(tool: Tool): Promise<string> {
  mkdirSync(tmpRoot, { recursive: true });
  const dir = mkdtempSync(join(tmpRoot, 'bench-baselines-'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "commonjs" }\n');
  writeFileSync(join(dir, 'server.js'), server);
  writeFileSync(join(dir, 'message.js'), message(0));
  const command = tool.command(dir);
  if (!command) return 'not installed';
  const discovery = join(dir, '.discovery');
  const child: ChildProcess = spawn(command[0], command[1], {
    cwd: dir,
    env: { ...process.env, HOTPATCH_DISCOVERY_DIR: discovery, HOTPATCH_QUIET: '1', PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let lsp: LspSession | undefined;
  const live: number[] = [];
  const latencies: number[] = [];
  let failed = 0;
  let counting = false;
  let stopped = false;
  try {
    const port = await waitFor('the app to listen', () => Number(/LISTENING (\d+)/.exec(output)?.[1]) || undefined);
    const file = join(dir, 'message.js');
    if (tool.save) {
      lsp = await LspSession.start(discovery);
      await lsp.waitForModule(file);
      await lsp.open(file, message(0));
    }
    // node --watch restarts on a new port (PORT=0): the client follows the last port printed.
    const currentPort = (): number => Number([...output.matchAll(/LISTENING (\d+)/g)].at(-1)?.[1] ?? port);
    const load = (async () => {
      while (!stopped) {
        const started = performance.now();
        await get(currentPort()).then(
          () => counting && latencies.push(performance.now() - started),
          () => counting && failed++,
        );
        await new Promise((resolve) =>
          setTimeout(resolve, Math.max(0, REQUEST_EVERY_MS - (performance.now() - started))),
        );
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS));
    counting = true;
    for (let n = 1; n <= EDITS; n++) {
      const text = message(n);
      const started = performance.now();
      writeFileSync(file, text);
      await tool.save?.call(lsp, file, text);
      await until(`edit ${n} live`, async () => (await get(currentPort()).catch(() => '')) === `edit ${n}`);
      live.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, GAP_MS));
    }
    stopped = true;
    await load;
  } finally {
    stopped = true;
    await lsp?.stop();
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
  const ms = (value: number): string => `${value.toFixed(0)} ms`;
  return (
    `save → live p50 ${ms(percentile(live, 50))}, p99 ${ms(percentile(live, 99))}; ` +
    `request p99 ${ms(percentile(latencies, 99))}, ${failed} of ${latencies.length + failed} failed`
  );
}

const bun = bunBinary();
const tools: Tool[] = [
  {
    name: 'Hotpatch (language server)',
    command: () => [process.execPath, ['-r', 'hotpatch-agent/register', 'server.js']],
    async save(this: LspSession, file, text) {
      await this.save(file, text);
    },
  },
  { name: 'node --watch', command: () => [process.execPath, ['--watch', 'server.js']] },
  { name: 'bun --hot', command: () => (bun ? [bun, ['--hot', 'server.js']] : undefined) },
];

async function main(): Promise<void> {
  console.log(
    `\nSave → live on one app, ${EDITS} edits ${GAP_MS} ms apart, a request every ${REQUEST_EVERY_MS} ms throughout`,
  );
  for (const tool of tools) {
    const figures = await measure(tool);
    console.log(`  ${tool.name.padEnd(28)} ${figures}`);
    recordGoal({ figure: `side by side: ${tool.name}`, measured: figures, goal: '(for comparison)', met: null });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
