/**
 * Save-to-live latency through the real language server (stdio LSP, real apps): from the
 * didSave notification leaving the client to the server's patch report, which it sends once
 * every agent has committed. For a 100-line and a 500-line module, into one agent and into
 * four instances of the same app (one two-phase transaction). Figures only, no assertions.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { App } from '../helpers/app';
import { LspSession } from '../helpers/lsp';
import { payloadModule } from '../helpers/versions';
import { waitFor } from '../helpers/wait';
import { treeRequest } from '../../extension/src/shared/lsp-extensions';
import { percentile } from './stats';

const SAVES = 60;
const WARM = 10;

async function measure(agents: number, lines: number): Promise<{ p50: number; p99: number; server: number }> {
  const first = await App.start('cjs', { fixture: 'leak-cjs' });
  const others = await Promise.all(
    Array.from({ length: agents - 1 }, () => App.start('cjs', { fixture: 'leak-cjs', instanceOf: first })),
  );
  const lsp = await LspSession.start(first.discoveryDir);
  try {
    const file = first.file('payload.js');
    await waitFor(`${agents} agents`, async () => {
      const { agents: seen } = await lsp.connection.sendRequest(treeRequest);
      return seen.filter((a) => a.state === 'connected' && a.modules.some((m) => m.file === file)).length === agents;
    });
    await lsp.open(file, readFileSync(file, 'utf8'));
    const wall: number[] = [];
    const server: number[] = [];
    for (let n = 2; n < 2 + WARM + SAVES; n++) {
      const text = payloadModule(n, { lines });
      writeFileSync(file, text);
      const started = performance.now();
      const report = await lsp.save(file, text);
      if (report.outcome !== 'loaded') throw new Error(`save ${n}: ${report.outcome}: ${report.lines.join('; ')}`);
      if (n >= 2 + WARM) {
        wall.push(performance.now() - started);
        server.push(report.ms ?? NaN);
      }
    }
    return { p50: percentile(wall, 50), p99: percentile(wall, 99), server: percentile(server, 50) };
  } finally {
    await lsp.stop();
    for (const app of others) await app.stop();
    await first.stop();
  }
}

async function main(): Promise<void> {
  console.log(`\nSave-to-live through the language server (debounce 0, ${SAVES} saves after ${WARM} warm-up)\n`);
  console.log('agents  module     save→live p50  p99        server-side p50');
  for (const agents of [1, 4]) {
    for (const lines of [100, 500]) {
      const r = await measure(agents, lines);
      console.log(
        `${String(agents).padEnd(6)}  ${`${lines} lines`.padEnd(9)}  ${`${r.p50.toFixed(2)} ms`.padStart(13)}  ${`${r.p99.toFixed(2)} ms`.padStart(9)}  ${`${r.server.toFixed(2)} ms`.padStart(15)}`,
      );
    }
  }
}

void main();
