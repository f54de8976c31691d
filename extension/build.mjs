// Bundles the editor side with esbuild (tsc only type-checks): the engine (for tests and
// other front ends), the language server, and the VS Code client (dist/extension.js, the `main`
// of the root package.json, which is the extension's manifest).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { agentFromSources } from '../scripts/esbuild-agent-from-sources.mjs';
import { requiredPackages } from '../scripts/esbuild-required-packages.mjs';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outdir: 'dist',
  sourcemap: true,
  logLevel: 'warning',
};

await Promise.all([
  build({
    ...common,
    // dist/server.js is a small launcher that loads the server, dist/server-main.js, with V8's
    // code cache (src/server/launch.ts).
    entryPoints: { engine: 'src/engine/index.ts', server: 'src/server/launch.ts', 'server-main': 'src/server/main.ts' },
    // esbuild runs its native binary from its own package; TypeScript (9 MB) loads from its
    // package too; ws's optional speed-ups are absent. The packaged extension ships those two
    // packages (.vscodeignore).
    external: ['esbuild', 'typescript', 'bufferutil', 'utf-8-validate'],
    // Loaded with V8's code cache (src/server/launch.ts): TypeScript, imported when first
    // needed (engine/compile.ts), with require() (scripts/esbuild-required-packages.mjs).
    // The agent's protocol from its sources (see the plugin).
    plugins: [agentFromSources, requiredPackages(['esbuild', 'typescript'])],
    define: { CLIENT_VERSION: JSON.stringify(version) },
  }),
  build({
    ...common,
    // The client runs in VS Code's extension host, which provides `vscode`; the language client
    // library is bundled.
    entryPoints: { extension: 'src/client/extension.ts' },
    external: ['vscode'],
    // ES module builds first: jsonc-parser's `main` is a UMD build whose require() calls esbuild
    // cannot follow (the bundle then fails with "Cannot find module './impl/format'").
    mainFields: ['module', 'main'],
  }),
  // Preloaded into the Node processes of the window's terminals: loads the project's agent in
  // those a debugger attaches to (src/client/debug/debug-terminal.ts). Small and dependency-free.
  build({ ...common, entryPoints: { 'debug-terminal-preload': 'src/debug-terminal/preload.ts' }, sourcemap: false }),
]);
