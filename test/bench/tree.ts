/**
 * The Live Modules tree with thousands of hot modules: an app generated with N modules (100,
 * 1,000, 5,000), its agent, and
 *   - the language server's `hotpatch/tree` (what the client reads after each burst of changes):
 *     round trip and size;
 *   - from a load of one module (by another client, as the CLI would) to the server's
 *     `hotpatch/treeChanged`;
 *   - when code-server is installed (scripts/vscode-test/setup.mjs), the real workbench: from a
 *     click on Hotpatch in a fresh window (which activates the extension and starts its language
 *     server) to the app's first module row; from the top to the last module's row (End key);
 *     from a load to the new vsn showing in the tree.
 * Figures only, no assertions. HOTPATCH_BENCH_UI=0 skips the workbench.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeServerMarker } from '../../scripts/vscode-test/paths.mjs';
import { treeRequest } from '../../extension/src/shared/lsp-extensions';
import type { AgentClient } from 'hotpatch-extension/engine';
import { App } from '../helpers/app';
import { LspSession } from '../helpers/lsp';
import { tmpRoot } from '../helpers/paths';
import { waitFor } from '../helpers/wait';
import { EditorSession } from '../ui/editor-session';
import { percentile } from './stats';

const SIZES = [100, 1_000, 5_000];
const REQUESTS = 30;

const name = (i: number) => `m${String(i).padStart(4, '0')}.js`;
const moduleSource = (i: number, vsn: number) => `exports.vsn = '${vsn}';\nexports.value = () => ${i} * ${vsn};\n`;

/** An app whose entry requires `modules` small hot modules, then serves HTTP. */
function generateApp(modules: number): string {
  mkdirSync(tmpRoot, { recursive: true });
  const dir = mkdtempSync(join(tmpRoot, `tree-bench-source-${modules}-`));
  for (let i = 0; i < modules; i++) writeFileSync(join(dir, name(i)), moduleSource(i, 1));
  writeFileSync(
    join(dir, 'app.js'),
    `const modules = [];\nfor (let i = 0; i < ${modules}; i++) modules.push(require('./m' + String(i).padStart(4, '0') + '.js'));\n` +
      `require('node:http').createServer((req, res) => res.end(String(modules.length))).listen(0, '127.0.0.1', function () {\n` +
      `  console.log('LISTENING ' + this.address().port);\n});\n`,
  );
  writeFileSync(join(dir, 'package.json'), '{ "name": "tree-bench", "private": true }\n');
  return dir;
}

/** Loads module `i` at `vsn` through a protocol connection of its own (another client, as the CLI is). */
async function load(client: AgentClient, app: App, i: number, vsn: number): Promise<void> {
  const code = moduleSource(i, vsn);
  writeFileSync(app.file(name(i)), code);
  await client.load({ file: app.file(name(i)), code });
}

interface Row {
  modules: number;
  treeP50: number;
  treeP99: number;
  kb: number;
  loadToChanged: number;
  ui?: { firstRow: number; lastRow: number; loadToRow: number };
}

async function measure(modules: number, withUi: boolean): Promise<Row> {
  const source = generateApp(modules);
  const app = await App.start('cjs', { fixture: source, args: ['-r', 'hotpatch-agent/register', 'app.js'] });
  rmSync(source, { recursive: true, force: true });
  const lsp = await LspSession.start(app.discoveryDir);
  try {
    const { agents } = await waitFor(
      `${modules} modules in the tree`,
      async () => {
        const tree = await lsp.connection.sendRequest(treeRequest);
        // The generated modules, and app.js.
        return tree.agents[0]?.modules.length === modules + 1 ? tree : undefined;
      },
      60_000,
    );
    const kb = Buffer.byteLength(JSON.stringify({ agents })) / 1024;
    const times: number[] = [];
    for (let n = 0; n < REQUESTS; n++) {
      const started = performance.now();
      await lsp.connection.sendRequest(treeRequest);
      times.push(performance.now() - started);
    }

    const client = await app.connect();
    const changesBefore = lsp.treeChanges;
    const loadStarted = performance.now();
    await load(client, app, 0, 2);
    await waitFor('treeChanged after the load', () => lsp.treeChanges > changesBefore, 30_000);
    const loadToChanged = performance.now() - loadStarted;

    const row: Row = {
      modules,
      treeP50: percentile(times, 50),
      treeP99: percentile(times, 99),
      kb,
      loadToChanged,
    };
    if (withUi) row.ui = await measureUi(app, client, modules);
    client.close();
    return row;
  } finally {
    await lsp.stop();
    await app.stop();
  }
}

async function measureUi(app: App, client: AgentClient, modules: number): Promise<Row['ui']> {
  const editor = await EditorSession.start(app.dir, app.discoveryDir, join(tmpRoot, 'tree-bench-screenshots'));
  try {
    const ui = editor.workbench;
    let started = performance.now();
    await ui.showLiveModules();
    await ui.treeItem(/^m0001\.js vsn 1,/).waitFor({ timeout: 120_000 });
    const firstRow = performance.now() - started;

    await ui.liveModules.focus();
    started = performance.now();
    await ui.press('End');
    await ui.treeItem(new RegExp(`^${name(modules - 1).replace('.', '\\.')} vsn 1,`)).waitFor({ timeout: 60_000 });
    const lastRow = performance.now() - started;

    await ui.press('Home');
    await ui.treeItem(/^m0000\.js vsn 2 · old 1,/).waitFor({ timeout: 60_000 });
    started = performance.now();
    await load(client, app, 0, 3);
    await ui.treeItem(/^m0000\.js vsn 3 · old 2,/).waitFor({ timeout: 60_000 });
    const loadToRow = performance.now() - started;
    return { firstRow, lastRow, loadToRow };
  } finally {
    await editor.stop(false);
  }
}

async function main(): Promise<void> {
  const withUi = process.env.HOTPATCH_BENCH_UI !== '0' && existsSync(codeServerMarker);
  console.log(`\nThe Live Modules tree with many hot modules (one app; ${REQUESTS} hotpatch/tree requests each)`);
  if (!withUi) console.log('(workbench figures skipped: code-server is not installed, or HOTPATCH_BENCH_UI=0)');
  console.log(
    'modules  tree p50   tree p99   tree size  load→treeChanged' +
      (withUi ? '  activation→first row  Home→End row  load→row in view' : ''),
  );
  for (const modules of SIZES) {
    const r = await measure(modules, withUi);
    const ms = (v: number, width: number) => `${v.toFixed(1)} ms`.padStart(width);
    console.log(
      `${String(modules).padEnd(7)}  ${ms(r.treeP50, 8)}  ${ms(r.treeP99, 9)}  ${`${r.kb.toFixed(0)} KB`.padStart(9)}  ${ms(r.loadToChanged, 16)}` +
        (r.ui ? `  ${ms(r.ui.firstRow, 20)}  ${ms(r.ui.lastRow, 12)}  ${ms(r.ui.loadToRow, 16)}` : ''),
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
