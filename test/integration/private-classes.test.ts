/**
 * Classes with private members (`#items`, `#find()`): a new version's methods are compiled
 * inside the running class (live/private-classes.ts), so the instances the app made at startup,
 * with their private state, run the new code. What cannot apply so is said, the old code going
 * on: a private member the running class does not declare, a method that uses `super`.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { loadEdited } from '../helpers/cli';
import { scratchFiles } from '../helpers/scratch';

const store = `class Base {
  label() {
    return 'base';
  }
}

class Store extends Base {
  #items = [];
  #find(name) {
    return this.#items.find((item) => item.name === name);
  }
  add(name) {
    if (!this.#find(name)) this.#items.push({ name, hits: 0 });
    return this.#items.length;
  }
  describe() {
    return this.#items.map((item) => item.name).join(',');
  }
  label() {
    return super.label() + ' store';
  }
}

module.exports = { store: new Store() };
`;

test('a class with private members: its running instance runs the new methods with its private state', async () => {
  const source = scratchFiles('private-classes', {
    'package.json': '{}',
    'store.js': store,
    'app.js': `const { store } = require('./store');
require('node:http')
  .createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/add') return res.end(String(store.add(url.searchParams.get('name'))));
    res.end(JSON.stringify({ items: store.describe(), count: store.count?.() ?? null, label: store.label() }));
  })
  .listen(0, '127.0.0.1', function () {
    console.log('LISTENING ' + this.address().port);
  });
`,
  });
  const running = await App.start('cjs', { fixture: source, args: ['-r', 'hotpatch-agent/register', 'app.js'] });
  after(() => running.stop());
  await running.get('/add?name=ada');
  await running.get('/add?name=grace');
  assert.deepEqual(JSON.parse(await running.get('/')), { items: 'ada,grace', count: null, label: 'base store' });

  const changed = await loadEdited(running, 'store.js', (text) =>
    text
      .replace("map((item) => item.name).join(',')", "map((item) => item.name.toUpperCase()).join(' ')")
      .replace('  describe() {', '  count() {\n    return this.#items.length;\n  }\n  describe() {'),
  );
  assert.doesNotMatch(changed.stdout, /not applied/, changed.stdout);
  assert.deepEqual(
    JSON.parse(await running.get('/')),
    { items: 'ADA GRACE', count: 2, label: 'base store' },
    'the new body and the new method, on the instance made at startup, with its private items',
  );

  const refused = await loadEdited(running, 'store.js', (text) =>
    text
      .replace('  #items = [];', '  #items = [];\n  #reads = 0;')
      .replace(
        'return this.#items.map((item) => item.name.toUpperCase())',
        'this.#reads++;\n    return this.#items.map((item) => item.name.toUpperCase())',
      )
      .replace("super.label() + ' store'", "super.label() + ' of names'"),
  );
  const output = refused.stdout;
  assert.match(output, /Store\.describe keeps its old code: .*#reads.*; restart the app to run it/, output);
  assert.match(output, /Store\.label \(line \d+\) keeps its old code: a class with private members, and it uses super/);
  assert.deepEqual(JSON.parse(await running.get('/')), { items: 'ADA GRACE', count: 2, label: 'base store' });
});
