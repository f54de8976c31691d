// The hotpatch-cli package: the CLI of extension/src/cli bundled with the engine and the agent's
// protocol, so it installs with two dependencies: esbuild (compiles what you save, from its own
// package since it runs a native binary) and TypeScript (the state-type checks of `watch`).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

await build({
  entryPoints: { cli: '../extension/src/cli/main.ts' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outdir: 'dist',
  sourcemap: true,
  logLevel: 'warning',
  external: ['esbuild', 'typescript', 'bufferutil', 'utf-8-validate'],
  define: { CLIENT_VERSION: JSON.stringify(version) },
});
