/**
 * The imports a loaded file is checked against (engine/imports-not-running.ts): read by
 * TypeScript's import scanner, resolved as a bundler resolves them, relative ones only.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { relativeImports } from '../../extension/src/engine/imports-not-running';
import { scratchFolder } from '../helpers/scratch';

test("a file's relative imports: ES imports (a .js specifier finds the .ts), require calls, a dynamic import; no packages", () => {
  const dir = scratchFolder('imports-not-running');
  mkdirSync(join(dir, 'lib'), { recursive: true });
  for (const file of ['lib/cache.ts', 'db.js', 'lazy.mjs', 'types.ts']) writeFileSync(join(dir, file), '');
  const file = join(dir, 'app.ts');
  const text = [
    "import { Cache } from './lib/cache.js';",
    "import express from 'express';",
    "import type { Todo } from './types';",
    "const db = require('./db');",
    "const lazy = () => import('./lazy.mjs');",
    'const text = "import x from \'./not-an-import.js\'";',
    "import { gone } from './missing.js';",
  ].join('\n');
  assert.deepEqual(relativeImports(file, text).sort(), [
    join(dir, 'db.js'),
    join(dir, 'lazy.mjs'),
    join(dir, 'lib', 'cache.ts'),
    join(dir, 'types.ts'),
  ]);
});
