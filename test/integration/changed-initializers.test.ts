/**
 * What a changed initializer does to a module variable's running value (live/kept-state.ts),
 * through the real CLI, in a CommonJS app and an ES module app:
 *
 * - one made with `new` (`new LRUCache({ max: 500 })` made `max: 1000`) gets the new object, as
 *   any changed initializer gives its new value; what the app had put in the running one is not
 *   in it, and the load says so (`report.dropped`, a warning, no restart offered), naming the
 *   object by the class its code writes (a library's build may name it `c`). A running value
 *   no one adds to (a RegExp) and an unchanged `new …` say nothing;
 * - a plain object the app has changed since startup keeps its running value, and gains the
 *   fields a new literal adds (`{ hits: 0 }` made `{ hits: 0, sets: 0 }`): applied, "added:
 *   counts.sets"; a new literal that also changes a field it had keeps the running value and says
 *   that it did (a warning with a restart offer).
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
// A library's build names its classes as it likes (lru-cache's LRUCache calls itself \`c\`).
const lib = { Cache: class c { constructor(max) { this.max = max; this.entries = []; } } };
const cache = new lib.Cache(2);

http
  .createServer((req, res) => {
    if (req.url === '/add') {
      store.items.push('kept');
      cache.entries.push('kept');
    }
    seen.add(req.url);
    res.end(JSON.stringify({ limit: store.limit, items: store.items, matches: pattern.test('abc') }));
  })
  .listen(0, '127.0.0.1', function () {
    console.log('LISTENING ' + this.address().port);
  });
`;

const COUNTS = `const counts = { hits: 0, misses: 0 };

http
  .createServer((req, res) => {
    counts.hits++;
    res.end(JSON.stringify(counts));
  })
  .listen(0, '127.0.0.1', function () {
    console.log('LISTENING ' + this.address().port);
  });
`;

const kinds = [
  {
    kind: 'cjs' as const,
    file: 'app.js',
    header: "const http = require('node:http');\n",
    args: ['-r', 'hotpatch-agent/register', 'app.js'],
  },
  {
    kind: 'esm' as const,
    file: 'app.mjs',
    header: "import http from 'node:http';\n",
    args: ['--import', 'hotpatch-agent/register', 'app.mjs'],
  },
];

async function started(kind: 'cjs' | 'esm', file: string, code: string, args: string[]): Promise<App> {
  const fixture = scratchFiles(`changed-initializers-${kind}`, {
    'package.json': '{ "name": "changed-initializers", "private": true }',
    [file]: code,
  });
  const app = await App.start(kind, { fixture, args });
  after(() => app.stop());
  return app;
}

for (const { kind, file, header, args } of kinds) {
  test(`${kind}: a new object in place of one the app filled is applied, and said as a warning naming it`, async () => {
    const app = await started(kind, file, header + STORE, args);
    assert.deepEqual(JSON.parse(await app.get('/add')).items, ['kept']);

    const cli = await loadEdited(app, file, (text) =>
      text
        .replace('new Store(2)', 'new Store(5)')
        .replace("new RegExp('^a')", "new RegExp('^b')")
        .replace('new lib.Cache(2)', 'new lib.Cache(4)'),
    );
    assert.match(cli.stdout, /⚠ .*app\.m?js: vsn/);
    assert.match(
      cli.stdout,
      /replaced: line \d+: store is a new Store, in place of the running one: what the app had put in that one is not in it/,
    );
    assert.match(cli.stdout, /replaced: line \d+: cache is a new Cache, in place/, 'named as the code names its class');
    assert.doesNotMatch(cli.stdout, /pattern is a new|seen is a new/, 'a RegExp holds nothing; seen did not change');
    assert.doesNotMatch(cli.stdout, /restart/, 'a restart would not bring it back either: none offered');
    assert.deepEqual(JSON.parse(await app.get('/')), { limit: 5, items: [], matches: false }, 'the new values run');
  });
}

for (const { kind, file, header, args } of kinds) {
  test(`${kind}: an object the app changed keeps its values and gains the fields a new literal adds`, async () => {
    const app = await started(kind, file, header + COUNTS, args);
    await app.get('/');
    assert.deepEqual(JSON.parse(await app.get('/')), { hits: 2, misses: 0 });

    const added = await loadEdited(app, file, (text) =>
      text
        .replace('{ hits: 0, misses: 0 }', '{ hits: 0, misses: 0, sets: 0 }')
        .replace('counts.hits++;', 'counts.hits++;\n    counts.sets++;'),
    );
    assert.match(added.stdout, /✓ .*app\.m?js: vsn/, added.stdout);
    assert.match(added.stdout, /added: counts\.sets/);
    assert.deepEqual(JSON.parse(await app.get('/')), { hits: 3, misses: 0, sets: 1 }, 'the hits kept, sets counting');

    const changed = await loadEdited(app, file, (text) =>
      text.replace('{ hits: 0, misses: 0, sets: 0 }', '{ hits: 10, misses: 0, sets: 0, evictions: 0 }'),
    );
    assert.match(changed.stdout, /⚠ .*app\.m?js: vsn/, changed.stdout);
    assert.match(changed.stdout, /added: counts\.evictions/);
    assert.match(
      changed.stdout,
      /counts keeps its running value: its initializer changed, but the app has changed counts/,
    );
    assert.deepEqual(JSON.parse(await app.get('/')), { hits: 4, misses: 0, sets: 2, evictions: 0 });
  });
}
