// Compiles the extension-host suite (test/e2e/suite/*.ts) to CommonJS in test/e2e/out/suite/ with
// esbuild, file by file: `vscode` and mocha stay plain requires, resolved in the extension host.
// tsc only type-checks it (test/e2e/tsconfig.json, part of `tsc --build`).
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { suiteOut, suiteSrc } from './paths.mjs';

export async function buildSuite() {
  rmSync(suiteOut, { recursive: true, force: true });
  await build({
    entryPoints: readdirSync(suiteSrc)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
      .map((f) => join(suiteSrc, f)),
    outdir: suiteOut,
    bundle: false,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return join(suiteOut, 'index.js');
}

if (process.argv[1] && import.meta.filename === process.argv[1]) await buildSuite();
