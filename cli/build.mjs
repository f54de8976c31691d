// The hotpatch-cli package: the CLI of extension/src/cli bundled with the engine and the agent's
// protocol, so it installs with two dependencies: esbuild (compiles what you save, from its own
// package since it runs a native binary) and TypeScript (the state-type checks of `watch`).
//
// A CLI pays for every byte it loads on every run (issue 13: `ls` ≤ 200 ms, `load` ≤ 300 ms), so
// the bundle is split where main.ts imports a command's code: ES modules, because esbuild splits
// only those; dist/cli.mjs holds the command table and the agent client, and each command's own
// code is a chunk loaded when it runs.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { requiredPackages } from '../scripts/esbuild-required-packages.mjs';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const agentSources = fileURLToPath(new URL('../runtime-agent/src/', import.meta.url));

/**
 * The agent's protocol and transport from their TypeScript sources, as the engine's own files
 * are. The agent's dist/ builds are CommonJS and require zod's CommonJS build, while the engine
 * imports zod's ES build: bundling both put zod in twice (1.7 MB of the 2.3 MB bundle).
 */
const agentFromSources = {
  name: 'agent-from-sources',
  setup(b) {
    const sources = {
      'hotpatch-agent/protocol': 'protocol.ts',
      'hotpatch-agent/websocket-rpc': 'transport/websocket-rpc.ts',
    };
    b.onResolve({ filter: /^hotpatch-agent\/(protocol|websocket-rpc)$/ }, ({ path }) => ({
      path: agentSources + sources[path],
    }));
  },
};

// Chunks are named by content hash: clear out those of earlier builds.
rmSync(new URL('./dist', import.meta.url), { recursive: true, force: true });

await build({
  entryPoints: { cli: '../extension/src/cli/main.ts' },
  bundle: true,
  splitting: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: true,
  // Less to read and parse on every run; names are kept, so messages and stacks name the same
  // functions and classes (the source map gives the lines).
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  // ws's optional speed-ups are absent.
  external: ['bufferutil', 'utf-8-validate'],
  // esbuild and TypeScript stay in their own packages (see the top), loaded with require().
  plugins: [agentFromSources, requiredPackages(['esbuild', 'typescript'])],
  // The bundled CommonJS packages (commander, ws, vscode-jsonrpc) call require() for Node's
  // own modules, which an ES module has no binding for.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  define: { CLIENT_VERSION: JSON.stringify(version) },
});
