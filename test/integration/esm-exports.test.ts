/**
 * What an ES module's importers see of its exports under the agent, as without it: a variable
 * the module assigns itself (`export let count`, a connection set by `connect()`) is a live
 * binding, its every assignment seen, through a module that exports it again too; a load's new value reaches them; and a function an
 * export's statement makes again on a load (`makeGreeter('howdy')`) takes the place of the one
 * the app registered at startup.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { loadEdited, runCli } from '../helpers/cli';
import { scratchFiles } from '../helpers/scratch';

const files: Record<string, string> = {
  'package.json': JSON.stringify({ type: 'module' }),
  'counter.mjs': `export let count = 0;
export var label = 'first';
export function inc() {
  return ++count;
}
`,
  // A barrel module, as an index.js gathers a folder's exports.
  'index.mjs': `export { count } from './counter.mjs';
`,
  'db.mjs': `export let connection = null;
export async function connect() {
  await new Promise((resolve) => setImmediate(resolve));
  connection = { ready: true };
}
`,
  'greeter.mjs': `const makeGreeter = (word) => (name) => \`\${word}, \${name}\`;
export const greet = makeGreeter('hello');
`,
  'events.mjs': `import { EventEmitter, once } from 'node:events';
import { promisify } from 'node:util';
export const bus = new EventEmitter();
export function onPing() {}
bus.on('ping', onPing);
export async function fetchUser(id) {
  return { id };
}
export function lookup(id, callback) {
  callback(new Error('the callback path'));
}
lookup[promisify.custom] = async (id) => \`custom \${id}\`;
`,
  'app.mjs': `import http from 'node:http';
import { types, promisify } from 'node:util';
import { bus, onPing, fetchUser, lookup } from './events.mjs';
import { count, inc, label } from './counter.mjs';
import { count as gathered } from './index.mjs';
import * as db from './db.mjs';
import { greet } from './greeter.mjs';

await db.connect();
// Captured once, at startup, as a route table captures its handlers.
const routes = { '/greet': () => greet('ann') };
http
  .createServer((req, res) => {
    if (req.url === '/count') return res.end(\`\${inc()} \${count} \${gathered}\`);
    if (req.url === '/label') return res.end(label);
    if (req.url === '/db') return res.end(JSON.stringify(db.connection));
    if (req.url === '/functions') {
      const before = bus.listenerCount('ping');
      bus.off('ping', onPing);
      const facts = [before, bus.listenerCount('ping'), types.isAsyncFunction(fetchUser)];
      return promisify(lookup)(7).then((value) => res.end(JSON.stringify([...facts, value])));
    }
    res.end(routes[req.url]?.() ?? 'not found');
  })
  .listen(0, '127.0.0.1', function () {
    console.log(\`LISTENING \${this.address().port}\`);
  });
`,
};

async function start(): Promise<App> {
  const source = scratchFiles('esm-exports', files);
  const app = await App.start('esm', { fixture: source, args: ['--import', 'hotpatch-agent/register', 'app.mjs'] });
  after(() => app.stop());
  return app;
}

async function load(app: App, file: string, edit: (text: string) => string): Promise<string> {
  const cli = await loadEdited(app, file, edit);
  assert.doesNotMatch(cli.stdout, /not applied/);
  return cli.stdout;
}

test('an exported variable the module assigns is a live binding: importers see each of its assignments', async () => {
  const app = await start();
  assert.equal(await app.get('/count'), '1 1 1');
  assert.equal(await app.get('/count'), '2 2 2');
  assert.equal(await app.get('/db'), '{"ready":true}', 'set by connect() after the app imported it');
});

test("a load's new value of an exported variable reaches its importers; the module's state stays", async () => {
  const app = await start();
  assert.equal(await app.get('/count'), '1 1 1');
  await load(app, 'counter.mjs', (text) => text.replace("label = 'first'", "label = 'second'"));
  assert.equal(await app.get('/label'), 'second');
  assert.equal(await app.get('/count'), '2 2 2', 'count was not started again');
});

test('a function an export makes again on a load takes the place of the one the app registered at startup', async () => {
  const app = await start();
  assert.equal(await app.get('/greet'), 'hello, ann');
  await load(app, 'greeter.mjs', (text) => text.replace("makeGreeter('hello')", "makeGreeter('howdy')"));
  assert.equal(await app.get('/greet'), 'howdy, ann');
});

test("an exported function is the module's own: the listener it registered comes off, async stays async, its marks stay", async () => {
  const app = await start();
  assert.equal(await app.get('/functions'), '[1,0,true,"custom 7"]');
});

test("a later version of an importer gets the module's own functions too, as its first version did", async () => {
  const app = await start();
  await load(app, 'app.mjs', (text) =>
    text.replace(
      "if (req.url === '/label')",
      `if (req.url === '/later') {
      const before = bus.listenerCount('ping');
      bus.off('ping', onPing);
      return res.end(JSON.stringify([before, bus.listenerCount('ping'), types.isAsyncFunction(fetchUser), inc === inc]));
    }
    if (req.url === '/label')`,
    ),
  );
  assert.equal(await app.get('/later'), '[1,0,true,true]');
  assert.equal(await app.get('/count'), '1 1 1', "the module's state is its own");
});

test('one release of a module with a new export and an importer of it loads both; a name neither exports refuses both', async () => {
  const app = await start();
  const addRoute = (text: string, names: string): string =>
    text
      .replace(
        "import { count, inc, label } from './counter.mjs';",
        `import { count, inc, label, ${names} } from './counter.mjs';`,
      )
      .replace(
        "if (req.url === '/label')",
        "if (req.url === '/reset') return res.end(String(reset()));\n    if (req.url === '/label')",
      );
  assert.equal(await app.get('/count'), '1 1 1');
  app.edit('counter.mjs', (text) => `${text}export function reset() {\n  count = 0;\n  return 'reset';\n}\n`);
  app.edit('app.mjs', (text) => addRoute(text, 'reset'));
  const both = await runCli(['load', app.file('counter.mjs'), app.file('app.mjs')], app.discoveryDir);
  assert.equal(both.code, 0, both.stderr + both.stdout);
  assert.equal(await app.get('/reset'), 'reset');
  assert.equal(await app.get('/count'), '1 1 1', 'the new export ran on the module’s own state');

  app.edit('counter.mjs', (text) => text.replace("return 'reset';", "return 'reset again';"));
  app.edit('app.mjs', (text) => text.replace('reset } from', 'reset, rewind } from'));
  const refused = await runCli(['load', app.file('counter.mjs'), app.file('app.mjs')], app.discoveryDir);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stdout + refused.stderr, /no export named 'rewind'/);
  assert.equal(await app.get('/reset'), 'reset', 'neither module of the release loaded');
});

test('an export given a new value that an importer read once, at startup, is named with the line that read it; a read at each use, or of a part that did not change, is not; a constant computed from it is computed again', async () => {
  const source = scratchFiles('esm-exports', {
    'package.json': JSON.stringify({ type: 'module' }),
    'settings.mjs': `export const settings = { limit: 10, label: 'first' };
export const Role = { Admin: 'admin', Member: 'member' };
class Rule {
  constructor(min) {
    this.min = min;
  }
}
export const titleRule = new Rule(1);
`,
    'app.mjs': `import http from 'node:http';
import { Role, settings, titleRule } from './settings.mjs';

const makeCheck = (rule) => (text) => text.length >= rule.min;
const check = makeCheck(titleRule);
const cap = settings.limit;
const roles = Object.values(Role);
const server = http.createServer((req, res) =>
  req.url === '/roles'
    ? res.end(\`\${roles.join(',')} \${roles.includes('guest')}\`)
    : res.end(JSON.stringify({ short: check('ab'), cap, label: settings.label, min: titleRule.min })),
);
server.listen(0, '127.0.0.1', () => console.log('LISTENING ' + server.address().port));
`,
  });
  const running = await App.start('esm', { fixture: source, args: ['--import', 'hotpatch-agent/register', 'app.mjs'] });
  after(() => running.stop());
  assert.deepEqual(JSON.parse(await running.get('/')), { short: true, cap: 10, label: 'first', min: 1 });

  const stricter = await loadEdited(running, 'settings.mjs', (text) => text.replace('new Rule(1)', 'new Rule(3)'));
  const said = stricter.stdout + stricter.stderr;
  assert.match(said, /⚠/, 'what did not apply is a warning, not ✓');
  assert.match(
    said,
    /titleRule has a new value, but app\.mjs line 5 \(const check = makeCheck\(titleRule\)\) read it once, at startup, and keeps the old one; restart the app to apply it there/,
  );
  // What the warning says is what the app does: the check made at startup is old, the read at each request new.
  assert.deepEqual(JSON.parse(await running.get('/')), { short: true, cap: 10, label: 'first', min: 3 });

  // The settings object is new, but what startup read of it (its limit) is the same.
  const relabelled = await loadEdited(running, 'settings.mjs', (text) => text.replace("'first'", "'second'"));
  assert.doesNotMatch(relabelled.stdout + relabelled.stderr, /has a new value/);
  assert.match(relabelled.stdout, /✓/);
  assert.equal(JSON.parse(await running.get('/')).label, 'second');

  // A constant computed from it at startup only reads it: computed again, as a restart would.
  const limited = await loadEdited(running, 'settings.mjs', (text) => text.replace('limit: 10', 'limit: 20'));
  assert.match(limited.stdout, /✓ .*\n.*ran app\.mjs new value: cap, again for the new value of settings/);
  assert.doesNotMatch(limited.stdout + limited.stderr, /has a new value/);
  assert.equal(JSON.parse(await running.get('/')).cap, 20);

  // So is an array made of an object's values (an enum written as an object), read at each request.
  assert.equal(await running.get('/roles'), 'admin,member false');
  const guest = await loadEdited(running, 'settings.mjs', (text) =>
    text.replace("Member: 'member'", "Member: 'member', Guest: 'guest'"),
  );
  assert.match(guest.stdout, /ran app\.mjs new value: roles, again for the new value of Role/);
  assert.equal(await running.get('/roles'), 'admin,member,guest true');
});

test('a constant an ES module computed from a new value is computed again, and importers read it; an `export default` that read it is named', async () => {
  const source = scratchFiles('esm-exports', {
    'package.json': JSON.stringify({ type: 'module' }),
    'timeouts.mjs': `export const TIMEOUT_S = 5;
export const TIMEOUT_MS = TIMEOUT_S * 1000;
export const LABEL = \`\${TIMEOUT_MS} ms\`;
export default { timeout: TIMEOUT_S };
`,
    'app.mjs': `import http from 'node:http';
import * as timeouts from './timeouts.mjs';
import { TIMEOUT_MS } from './timeouts.mjs';
const server = http.createServer((req, res) =>
  res.end(JSON.stringify({ ms: TIMEOUT_MS, label: timeouts.LABEL, fallback: timeouts.default.timeout })),
);
server.listen(0, '127.0.0.1', () => console.log('LISTENING ' + server.address().port));
`,
  });
  const running = await App.start('esm', { fixture: source, args: ['--import', 'hotpatch-agent/register', 'app.mjs'] });
  after(() => running.stop());
  assert.deepEqual(JSON.parse(await running.get('/')), { ms: 5000, label: '5000 ms', fallback: 5 });

  const cli = await loadEdited(running, 'timeouts.mjs', (text) => text.replace('TIMEOUT_S = 5', 'TIMEOUT_S = 9'));
  const said = cli.stdout + cli.stderr;
  assert.match(said, /⚠/, 'what did not apply is a warning, not ✓');
  assert.match(said, /new value: TIMEOUT_S, TIMEOUT_MS, LABEL/);
  assert.match(
    said,
    /TIMEOUT_S has a new value, but line 4 \(export default \{ timeout : TIMEOUT_S \}\) read it once, at startup, and keeps the old one; restart the app/,
  );
  assert.deepEqual(
    JSON.parse(await running.get('/')),
    { ms: 9000, label: '9000 ms', fallback: 5 },
    'the constants are computed again, as after a restart; the default export is as the warning says',
  );
});

test('a route another module added with an export’s old value (validate(titleRule)) is added again with its new one, where it stood', async () => {
  const source = scratchFiles('esm-exports', {
    'package.json': JSON.stringify({ type: 'module' }),
    'rules.mjs': `class Rule {
  constructor(min) {
    this.min = min;
  }
  check(text) {
    return text.length >= this.min;
  }
}
export const titleRule = new Rule(1);
`,
    'routes.mjs': `import { Router } from 'express';
import { titleRule } from './rules.mjs';

const validate = (rule) => (req, res, next) =>
  rule.check(String(req.query.title ?? '')) ? next() : res.status(400).send('too short');
export const router = Router();
router.get('/check', validate(titleRule), (req, res) => res.send('ok'));
router.get('/check', (req, res) => res.send('the route after it'));
`,
    'app.mjs': `import express from 'express';
import { router } from './routes.mjs';

const app = express();
app.use(router);
const server = app.listen(0, '127.0.0.1', () => console.log('LISTENING ' + server.address().port));
`,
  });
  const running = await App.start('esm', { fixture: source, args: ['--import', 'hotpatch-agent/register', 'app.mjs'] });
  after(() => running.stop());
  assert.equal(await running.get('/check?title=ab'), 'ok');

  const stricter = await loadEdited(running, 'rules.mjs', (text) => text.replace('new Rule(1)', 'new Rule(3)'));
  const said = stricter.stdout + stricter.stderr;
  // Applied whole; the running Rule is replaced, as any object made with `new` is, and said to be
  // (changed-initializers.test.ts).
  assert.doesNotMatch(said, /not applied|restart/, said);
  assert.match(said, /replaced: line \d+: titleRule is a new Rule/, said);
  assert.doesNotMatch(said, /has a new value, but/);
  assert.match(said, /routes\.mjs .*again for the new value of titleRule/);
  assert.equal(await running.get('/check?title=ab'), 'too short');
  // Where it stood: before the route registered after it.
  assert.equal(await running.get('/check?title=abcd'), 'ok');
});

test('a module whose exported constants are never functions (an instance, data) has no facade: its own URL in stack traces, the same instance to importers through a load that keeps its state', async () => {
  const source = scratchFiles('esm-exports', {
    'package.json': JSON.stringify({ type: 'module' }),
    'store.mjs': `class Store {
  constructor() {
    this.items = [];
  }
  add(item) {
    this.items.push(item);
    return this.items.length;
  }
  describe() {
    return \`\${this.items.length} items\`;
  }
  where() {
    return new Error('here').stack.split('\\n')[1].trim();
  }
}
export const store = new Store();
export const limits = { max: 3 };
export const LIMIT_MS = limits.max * 1000;
`,
    'app.mjs': `import http from 'node:http';
import { store, limits, LIMIT_MS } from './store.mjs';

// Held once, at startup, as a service container holds its services.
const held = { store };
const server = http.createServer((req, res) => {
  if (req.method === 'POST') return res.end(String(held.store.add(req.url)));
  if (req.url === '/where') return res.end(store.where());
  res.end(JSON.stringify({ text: held.store.describe(), same: held.store === store, max: limits.max, ms: LIMIT_MS }));
});
server.listen(0, '127.0.0.1', () => console.log('LISTENING ' + server.address().port));
`,
  });
  const running = await App.start('esm', { fixture: source, args: ['--import', 'hotpatch-agent/register', 'app.mjs'] });
  after(() => running.stop());
  const where = await running.get('/where');
  assert.match(where, /store\.mjs:\d+:\d+/);
  assert.doesNotMatch(where, /hotpatch=/, 'the module itself runs, at its own URL');
  const added = await fetch(`http://127.0.0.1:${running.port}/a`, { method: 'POST' });
  assert.equal(await added.text(), '1');

  const cli = await loadEdited(running, 'store.mjs', (text) =>
    text.replace('`${this.items.length} items`', '`now ${this.items.length} items`').replace('max: 3', 'max: 5'),
  );
  assert.match(cli.stdout, /✓/, cli.stdout + cli.stderr);
  assert.deepEqual(
    JSON.parse(await running.get('/')),
    { text: 'now 1 items', same: true, max: 5, ms: 5000 },
    'the instance held at startup keeps its item and runs its new method; the new data reaches importers',
  );
});
