/**
 * `hotpatch load` of a JavaScript file the app runs as it is: the file is sent as it is, and
 * its syntax is checked by acorn in the CLI's own process, as the agent reads it, without
 * starting esbuild's service (asIsSyntaxError in engine/compile.ts). Shown with an esbuild that
 * cannot start (ESBUILD_BINARY_PATH naming a program that exits at once; esbuild ignores a path
 * to no file): a load that needed it would fail.
 */
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { runCli } from '../helpers/cli';

/** The environment of a CLI run whose esbuild exits as it starts. */
function noEsbuild(app: App): NodeJS.ProcessEnv {
  const binary = join(app.dir, 'broken-esbuild');
  writeFileSync(binary, '#!/bin/sh\nexit 1\n');
  chmodSync(binary, 0o755);
  return { ESBUILD_BINARY_PATH: binary };
}

for (const kind of ['cjs', 'esm'] as const) {
  const greeting = kind === 'cjs' ? 'greeting.js' : 'greeting.mjs';

  test(`${kind}: a JavaScript file run as it is loads without esbuild; its syntax error is still named with its line`, async () => {
    const app = await App.start(kind);
    after(() => app.stop());

    app.edit(greeting, (text) => text.replace('hello, ', 'hi there, '));
    const loaded = await runCli(['load', app.file(greeting)], app.discoveryDir, noEsbuild(app));
    assert.equal(loaded.code, 0, loaded.stdout + loaded.stderr);
    assert.equal(await app.get('/greet?name=ann'), 'hi there, ann');

    // A CommonJS module's body may return at its top level (Node wraps it in a function).
    if (kind === 'cjs') {
      app.edit(greeting, (text) => `${text}if (exports.vsn) return;\n`);
      const returned = await runCli(['load', app.file(greeting)], app.discoveryDir, noEsbuild(app));
      assert.equal(returned.code, 0, returned.stdout + returned.stderr);
    }

    app.edit(greeting, (text) => text.replace('return `hi there, ${name}`;', 'return `hi there, ${name}` +;'));
    const broken = await runCli(['load', app.file(greeting)], app.discoveryDir, noEsbuild(app));
    assert.equal(broken.code, 1, broken.stdout + broken.stderr);
    assert.match(broken.stdout + broken.stderr, new RegExp(`${greeting}:3:\\d+: Unexpected token`));
    assert.equal(await app.get('/greet?name=ann'), 'hi there, ann', 'the running version still serves');
  });
}

test("a syntax error in a JavaScript file run as it is: esbuild's message, where esbuild runs", async () => {
  const app = await App.start('cjs');
  after(() => app.stop());
  app.edit('greeting.js', (text) => text.replace('return `hello, ${name}`;', 'return greet(name;'));
  const broken = await runCli(['load', app.file('greeting.js')], app.discoveryDir);
  assert.equal(broken.code, 1, broken.stdout + broken.stderr);
  assert.match(broken.stdout + broken.stderr, /greeting\.js:3:\d+: Expected "\)" but found ";"/);
  assert.equal(await app.get('/greet?name=ann'), 'hello, ann');
});
