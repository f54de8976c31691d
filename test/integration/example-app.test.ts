/**
 * The demo's own app, examples/counter-app, started as the README starts it: a greeting
 * change is live at once, and a change of the visits server's state type migrates the
 * running state through codeChange with the count intact.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { runCli } from '../helpers/cli';

test('counter-app: hot-load a greeting, then migrate the visits server to a new state type', async () => {
  const app = await App.startExample();
  after(() => app.stop());
  assert.match(await app.get('/?name=ann'), /^Hello, ann! \(visit 1, greeting vsn 1; recent: ann\)/);

  app.edit('src/greeting.ts', (text) => text.replace('Hello', 'Howdy').replace("vsn = '1'", "vsn = '2'"));
  const greeting = await runCli(['load', app.file('src/greeting.ts')], app.discoveryDir);
  assert.equal(greeting.code, 0, greeting.stderr + greeting.stdout);
  assert.match(await app.get('/?name=bob'), /^Howdy, bob! \(visit 2, greeting vsn 2; recent: ann, bob\)/);

  app.edit('src/visits.ts', (text) =>
    text
      .replace("vsn = '1'", "vsn = '2'")
      .replace('  history: string[];\n}', '  history: string[];\n  /** When the count started. */\n  since: string;\n}')
      .replace('init: () => ({ count: 0, history: [] }),', "init: () => ({ count: 0, history: [], since: 'startup' }),")
      .replace('const next = { count: state.count + 1,', 'const next = { ...state, count: state.count + 1,')
      .replace(
        '  handleCall(message, state) {',
        "  codeChange: (_from, state) => ({ ...(state as Omit<State, 'since'>), since: 'migrated' }),\n  handleCall(message, state) {",
      ),
  );
  const visits = await runCli(['load', app.file('src/visits.ts')], app.discoveryDir);
  assert.equal(visits.code, 0, visits.stderr + visits.stdout);
  assert.match(visits.stdout, /plan: dist\/visits\.js 1 → 2, 1 processes, codeChange/);
  assert.match(visits.stdout, /1 processes migrated/);
  assert.deepEqual(JSON.parse(await app.get('/visits')), { count: 2, history: ['ann', 'bob'], since: 'migrated' });
  assert.match(await app.get('/?name=cy'), /visit 3/);
});
