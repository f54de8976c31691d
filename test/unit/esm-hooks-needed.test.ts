import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { agentHooksRegisteredFirst, esmHooksNeeded } from '../../runtime-agent/src/esm-hooks-needed';

const root = mkdtempSync(join(tmpdir(), 'esm-hooks-'));
after(() => rmSync(root, { recursive: true, force: true }));
const esmApp = join(root, 'esm-app');
const cjsApp = join(root, 'cjs-app');
mkdirSync(join(esmApp, 'src'), { recursive: true });
mkdirSync(cjsApp);
writeFileSync(join(esmApp, 'package.json'), '{ "type": "module" }');
writeFileSync(join(cjsApp, 'package.json'), '{ "name": "x" }');

test('an ES module entry needs the hooks: .mjs, .mts, or .js under "type": "module"', () => {
  assert.equal(esmHooksNeeded({}, [], join(cjsApp, 'app.mjs')), true);
  assert.equal(esmHooksNeeded({}, [], join(cjsApp, 'src/app.mts')), true);
  assert.equal(esmHooksNeeded({}, [], join(esmApp, 'src/app.js')), true, 'the nearest package.json is one folder up');
  assert.equal(esmHooksNeeded({}, [], join(esmApp, 'app.cjs')), false);
});

test('a CommonJS entry preloaded with -r does not, nor a script without an entry (-e, the REPL)', () => {
  assert.equal(esmHooksNeeded({}, ['-r', 'hotpatch-agent/register'], join(cjsApp, 'app.js')), false);
  assert.equal(esmHooksNeeded({}, ['--import', 'tsx', '-r', 'hotpatch-agent/register'], join(cjsApp, 'app.ts')), false);
  assert.equal(esmHooksNeeded({}, [], undefined), false);
});

test('--import of the agent (arguments or NODE_OPTIONS) and HOTPATCH_ESM_HOOKS decide it', () => {
  assert.equal(esmHooksNeeded({}, ['--import', 'hotpatch-agent/register'], join(cjsApp, 'app.js')), true);
  assert.equal(esmHooksNeeded({}, ['--import=hotpatch-agent/register'], join(cjsApp, 'app.js')), true);
  assert.equal(esmHooksNeeded({ NODE_OPTIONS: '--import hotpatch-agent/register' }, [], join(cjsApp, 'app.js')), true);
  assert.equal(esmHooksNeeded({ HOTPATCH_ESM_HOOKS: '1' }, [], join(cjsApp, 'app.js')), true);
  assert.equal(esmHooksNeeded({ HOTPATCH_ESM_HOOKS: '0' }, [], join(esmApp, 'app.mjs')), false);
});

test("the agent's hooks are registered first where it is the first module preloaded, and no loader or policy is given", () => {
  const first = (execArgv: string[], NODE_OPTIONS?: string): boolean =>
    agentHooksRegisteredFirst(NODE_OPTIONS === undefined ? {} : { NODE_OPTIONS }, execArgv);
  assert.equal(first(['--import', 'hotpatch-agent/register']), true);
  assert.equal(first(['--import=hotpatch-agent/register', '--import', 'tsx']), true, 'tsx registers after it');
  assert.equal(first(['-r', 'hotpatch-agent/register', '--import', 'tsx']), true, '--require runs before --import');
  assert.equal(first([], '--import hotpatch-agent/register'), true);
  assert.equal(first(['--import', 'tsx', '--import', 'hotpatch-agent/register']), false);
  assert.equal(
    first(['--import', 'hotpatch-agent/register', '-r', 'dotenv/config']),
    false,
    'a preload required first',
  );
  assert.equal(first(['--require=./setup.cjs', '-r', 'hotpatch-agent/register']), false);
  assert.equal(first(['--import', 'hotpatch-agent/register'], '--import tsx'), false, 'NODE_OPTIONS comes first');
  assert.equal(first(['--import', 'hotpatch-agent/register', '--experimental-loader', './loader.mjs']), false);
  assert.equal(first(['--loader=./loader.mjs', '--import', 'hotpatch-agent/register']), false);
  assert.equal(first(['--experimental-policy', 'policy.json', '--import', 'hotpatch-agent/register']), false);
  assert.equal(first([]), false, 'not preloaded: loaded by the app');
});
