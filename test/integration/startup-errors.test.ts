/**
 * What Node prints of an app's start under the agent is what it prints without it. An error a
 * hot module throws at startup, which the app does not catch, is shown headed by the app's own
 * file and line; a require cycle draws no warning. The agent's wrappers around a
 * module's top level clean up in `finally` rather than catch the error and throw it again, which
 * made Node show the agent's bundle instead, one line of it of some 200,000 characters.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { scratchFiles } from '../helpers/scratch';

/** Runs `app.js` in `dir` under the agent to its end. */
function startWithAgent(dir: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['-r', 'hotpatch-agent/register', 'app.js'], {
    cwd: dir,
    env: { ...process.env, HOTPATCH_DISCOVERY_DIR: join(dir, '.discovery'), HOTPATCH_QUIET: '1' },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

const THROWS = 'const settings = undefined;\nmodule.exports = settings.port;\n';

test('an uncaught error in a hot CommonJS module at startup is shown at its own line', () => {
  const dir = scratchFiles('startup-errors', {
    'package.json': '{}',
    'config.js': THROWS,
    'app.js': "require('./config');\n",
  });
  const run = startWithAgent(dir);
  assert.equal(run.status, 1);
  const [header] = run.stderr.split('\n');
  assert.equal(header, `${join(dir, 'config.js')}:2`, run.stderr.slice(0, 2000));
  assert.match(run.stderr, /TypeError: Cannot read properties of undefined \(reading 'port'\)/);
  assert.match(run.stderr, /at Object\.<anonymous> \(.*config\.js:2:\d+\)/);
});

test('an app with a require cycle starts without a warning', () => {
  const dir = scratchFiles('startup-errors', {
    'package.json': '{}',
    'a.js': "require('./b');\nexports.x = 1;\n",
    'b.js': "const a = require('./a');\nexports.y = 2;\n",
    'app.js': "require('./a');\nconsole.log('started');\n",
  });
  const run = startWithAgent(dir);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, 'started\n');
  assert.equal(run.stderr, '', 'Node warned: "Accessing non-existent property \'vsn\' … inside circular dependency"');
});
