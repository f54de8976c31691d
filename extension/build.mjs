// Bundles the editor side with esbuild (tsc only type-checks): the CLI and the engine (for
// tests and other front ends); the language server and the VS Code client join as entry points.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

await build({
  entryPoints: { cli: 'src/cli/main.ts', engine: 'src/engine/index.ts', server: 'src/server/main.ts' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outdir: 'dist',
  sourcemap: true,
  logLevel: 'warning',
  // esbuild runs its native binary from its own package; TypeScript (9 MB) loads from its
  // package too; ws's optional speed-ups are absent.
  external: ['esbuild', 'typescript', 'bufferutil', 'utf-8-validate'],
  define: { CLIENT_VERSION: JSON.stringify(version) },
});
