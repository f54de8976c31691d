// The hotpatch-cli package: the CLI of extension/src/cli bundled with the engine and the agent's
// protocol, so it installs with two dependencies: esbuild (compiles what you save, from its own
// package since it runs a native binary) and TypeScript (the state-type checks of `watch`).
//
// A CLI pays for every byte it compiles on every run (issue 13: `ls` ≤ 200 ms, `load` ≤ 300 ms).
// So the CLI is one CommonJS bundle, dist/cli.js, which bin/hotpatch.js compiles from V8's code
// cache, as the agent loads its library (dist/code-cache.js, the agent's code-cache.ts): made
// when a run's command has finished, it holds the functions that run compiled, and the next run
// compiles none of them. Node 20 keeps no compile cache at all, and Node 22's holds what
// compiling a module compiled, not what running it did: split into ES module chunks, `ls` took
// ≈210 ms here, ≈185 so. Each command's code is still evaluated only when that command runs:
// main.ts imports it then, which esbuild's bundle keeps.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { agentFromSources } from '../scripts/esbuild-agent-from-sources.mjs';
import { requiredPackages } from '../scripts/esbuild-required-packages.mjs';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
// Nothing of an earlier build's is left to ship.
rmSync(new URL('./dist', import.meta.url), { recursive: true, force: true });

await build({
  entryPoints: {
    cli: '../extension/src/cli/main.ts',
    // The agent's, so that both keep their caches by the same rules.
    'code-cache': '../runtime-agent/src/code-cache.ts',
  },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outdir: 'dist',
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
  define: { CLIENT_VERSION: JSON.stringify(version) },
});
