/**
 * The imports a loaded file is checked against (engine/imports-not-running.ts), relative ones
 * only: TypeScript's scanner, resolved as a bundler resolves them, where TypeScript is loaded;
 * acorn's, resolved as Node resolves them, for JavaScript without it. On JavaScript the two find
 * the same files.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { importScannerFor } from '../../extension/src/engine/imports-not-running';
import { javascriptRelativeImports } from '../../extension/src/engine/javascript-imports';
import { createStateTypes } from '../../extension/src/engine/state-types-adapter';
import { typescriptRelativeImports } from '../../extension/src/engine/typescript-imports';
import { scratchFolder } from '../helpers/scratch';

function folderWith(files: string[]): string {
  const dir = scratchFolder('imports-not-running');
  for (const file of files) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), '');
  }
  return dir;
}

test("TypeScript's scanner: ES imports (a .js specifier finds the .ts), require calls, a dynamic import; no packages", () => {
  const dir = folderWith(['lib/cache.ts', 'db.js', 'lazy.mjs', 'types.ts']);
  const text = [
    "import { Cache } from './lib/cache.js';",
    "import express from 'express';",
    "import type { Todo } from './types';",
    "const db = require('./db');",
    "const lazy = () => import('./lazy.mjs');",
    'const text = "import x from \'./not-an-import.js\'";',
    "import { gone } from './missing.js';",
  ].join('\n');
  assert.deepEqual(typescriptRelativeImports(join(dir, 'app.ts'), text).sort(), [
    join(dir, 'db.js'),
    join(dir, 'lazy.mjs'),
    join(dir, 'lib', 'cache.ts'),
    join(dir, 'types.ts'),
  ]);
});

/** JavaScript files of the shapes apps have, each with the files it imports. */
const javascriptFiles: Record<string, string> = {
  'commonjs.js': [
    "'use strict';",
    "const express = require('express');",
    "const { Store } = require('./lib/store');",
    "const routes = require('../routes/index.js');",
    "const config = require('./config.json');",
    "if (process.env.EXTRA) require('./extra');",
    "module.exports = { load: () => require('./lazy.cjs') };",
    "const text = \"require('./not-an-import')\"; // require('./nor-this')",
  ].join('\n'),
  'module.mjs': [
    "import { readFile } from 'node:fs/promises';",
    "import store, { Store } from './lib/store.js';",
    "export { default as routes } from '../routes/index.js';",
    "export * from './extra.js';",
    "const lazy = await import('./lazy.cjs');",
    'const dynamic = await import(`./${lazy.name}.js`);',
    'export const x = `import y from "./not-an-import.js"`;',
  ].join('\n'),
  'returns-early.cjs': ['if (require.main !== module) return;', "require('./extra');"].join('\n'),
};

test('acorn and Node find the relative imports of CommonJS and ES module files, as TypeScript finds them', () => {
  const dir = folderWith(
    ['lib/store.js', '../routes/index.js', 'config.json', 'extra.js', 'lazy.cjs'].map((f) => `app/${f}`),
  );
  const app = join(dir, 'app');
  const expected: Record<string, string[]> = {
    'commonjs.js': ['config.json', 'extra.js', 'lazy.cjs', 'lib/store.js', '../routes/index.js'],
    'module.mjs': ['extra.js', 'lazy.cjs', 'lib/store.js', '../routes/index.js'],
    'returns-early.cjs': ['extra.js'],
  };
  for (const [name, text] of Object.entries(javascriptFiles)) {
    const file = join(app, name);
    const want = expected[name]!.map((f) => join(app, f)).sort();
    assert.deepEqual(javascriptRelativeImports(file, text).sort(), want, `acorn: ${name}`);
    assert.deepEqual(typescriptRelativeImports(file, text).sort(), want, `TypeScript: ${name}`);
  }
});

test('a file acorn cannot read (a syntax error, JSX) has no imports read; a missing file is not one', () => {
  const dir = folderWith(['extra.js']);
  assert.deepEqual(javascriptRelativeImports(join(dir, 'app.js'), "require('./extra');\nconst = ;"), []);
  assert.deepEqual(javascriptRelativeImports(join(dir, 'view.js'), "import './extra.js';\nexport default <div/>;"), []);
  assert.deepEqual(javascriptRelativeImports(join(dir, 'app.js'), "require('./extra'); require('./gone');"), [
    join(dir, 'extra.js'),
  ]);
});

test("the scanner is TypeScript's where the pipeline has TypeScript's state types, else JavaScript's", () => {
  assert.equal(importScannerFor(undefined), javascriptRelativeImports);
  assert.equal(importScannerFor(createStateTypes()), typescriptRelativeImports);
});

test("TypeScript's scanner: a text scanned again is resolved again, against the files as they are now", () => {
  const dir = folderWith(['db.ts']);
  const file = join(dir, 'app.ts');
  const text = "import { db } from './db';\nimport { Cache } from './cache';\n";
  assert.deepEqual(typescriptRelativeImports(file, text), [join(dir, 'db.ts')]);
  // Reading ahead scanned it as typing paused; the file it imports is made before the save.
  writeFileSync(join(dir, 'cache.ts'), '');
  rmSync(join(dir, 'db.ts'));
  assert.deepEqual(typescriptRelativeImports(file, text), [join(dir, 'cache.ts')]);
  assert.deepEqual(typescriptRelativeImports(file, "import './db';\n"), [], 'another text: scanned anew');
});
