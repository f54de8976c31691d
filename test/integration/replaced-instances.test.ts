/**
 * A module variable made with `new` whose initializer a load changes (`new LRUCache({ max: 500 })`
 * made `max: 1000`) gets the new object, as any changed initializer gives its new value; what the
 * app had put in the running one is not in it, and the load says so (`report.dropped`, shown as a
 * warning by the CLI, with no restart offered). A running value no one adds to (a RegExp) and an
 * unchanged `new …` say nothing. In a CommonJS app and an ES module app; through the real CLI.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { loadEdited } from '../helpers/cli';
import { scratchFiles } from '../helpers/scratch';

const STORE = `class Store {
  constructor(limit) {
    this.limit = limit;
    this.items = [];
  }
}
const store = new Store(2);
const pattern = new RegExp('^a');
const seen = new Set();

http
  .createServer((req, res) => {
    if (req.url === '/add') store.items.push('kept');
    seen.add(req.url);
    res.end(JSON.stringify({ limit: store.limit, items: store.items, matches: pattern.test('abc') }));
  })
  .listen(0, '127.0.0.1', function () {
    console.log('LISTENING ' + this.address().port);
  });
`;

const kinds = [
  {
    kind: 'cjs' as const,
    file: 'app.js',
    code: `const http = require('node:http');\n${STORE}`,
    args: ['-r', 'hotpatch-agent/register', 'app.js'],
  },
  {
    kind: 'esm' as const,
    file: 'app.mjs',
    code: `import http from 'node:http';\n${STORE}`,
    args: ['--import', 'hotpatch-agent/register', 'app.mjs'],
  },
];

for (const { kind, file, code, args } of kinds) {
  test(`${kind}: a new object in place of one the app filled is applied, and said as a warning naming it`, async () => {
    const fixture = scratchFiles(`replaced-instances-${kind}`, {
      'package.json': '{ "name": "replaced-instances", "private": true }',
      [file]: code,
    });
    const app = await App.start(kind, { fixture, args });
    after(() => app.stop());
    assert.deepEqual(JSON.parse(await app.get('/add')).items, ['kept']);

    const cli = await loadEdited(app, file, (text) =>
      text.replace('new Store(2)', 'new Store(5)').replace("new RegExp('^a')", "new RegExp('^b')"),
    );
    assert.match(cli.stdout, /⚠ .*app\.m?js: vsn/);
    assert.match(
      cli.stdout,
      /replaced: line \d+: store is a new Store, in place of the running one: what the app had put in that one is not in it/,
    );
    assert.doesNotMatch(cli.stdout, /pattern is a new|seen is a new/, 'a RegExp holds nothing; seen did not change');
    assert.doesNotMatch(cli.stdout, /restart/, 'a restart would not bring it back either: none offered');
    assert.deepEqual(JSON.parse(await app.get('/')), { limit: 5, items: [], matches: false }, 'the new values run');
  });
}
