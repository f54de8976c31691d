/**
 * A CommonJS module's exports defined by getters, read as without the agent: `module.exports =
 * { get pool() { … } }`, and TypeScript's `export let pool` run by tsx (esbuild defines every
 * export of the CommonJS it makes with a getter). What the module assigns after startup (a
 * connection `connect()` opens) is seen by its importers, before and after a load of it.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { App, type AppKind } from '../helpers/app';
import { loadEdited } from '../helpers/cli';
import { scratchFiles } from '../helpers/scratch';

const server = (importDb: string): string => `${importDb}
const http = require('node:http');
db.connect().then(() => {
  http
    .createServer((req, res) => res.end(JSON.stringify({ pool: db.pool, label: db.label })))
    .listen(0, '127.0.0.1', function () {
      console.log(\`LISTENING \${this.address().port}\`);
    });
});
`;

const apps: Record<string, { kind: AppKind; args: string[]; db: string; files: Record<string, string> }> = {
  'module.exports with getters': {
    kind: 'cjs',
    args: ['-r', 'hotpatch-agent/register', 'app.js'],
    db: 'db.js',
    files: {
      'package.json': '{}',
      'db.js': `let pool = null;
module.exports = {
  label: 'first',
  async connect() {
    await new Promise((resolve) => setImmediate(resolve));
    pool = { driver: 'memory' };
  },
  get pool() {
    return pool;
  },
};
`,
      'app.js': server("const db = require('./db');"),
    },
  },
  "TypeScript's export let, run by tsx": {
    kind: 'tsx',
    args: ['--import', 'tsx', '-r', 'hotpatch-agent/register', 'app.ts'],
    db: 'db.ts',
    files: {
      'package.json': '{}',
      'db.ts': `export let pool: { driver: string } | null = null;
export const label: string = 'first';
export async function connect(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  pool = { driver: 'memory' };
}
`,
      'app.ts': server("import * as db from './db';"),
    },
  },
};

for (const [name, app] of Object.entries(apps)) {
  test(`${name}: what the module assigns after startup is seen, before and after a load of it`, async () => {
    const source = scratchFiles('cjs-exports', app.files);
    const running = await App.start(app.kind, { fixture: source, args: app.args });
    after(() => running.stop());
    assert.equal(await running.get('/'), '{"pool":{"driver":"memory"},"label":"first"}');

    await loadEdited(running, app.db, (text) => text.replace("'first'", "'second'"));
    assert.equal(await running.get('/'), '{"pool":{"driver":"memory"},"label":"second"}');
  });
}

test('an exported object whose methods change its data (this.hits += 1) keeps that data across a load of its module', async () => {
  const source = scratchFiles('cjs-exports', {
    'package.json': '{}',
    'store.js': `module.exports = {
  hits: 0,
  hit() {
    this.hits += 1;
    return 'v1';
  },
};
`,
    'app.js': `const store = require('./store');
const server = require('node:http').createServer((req, res) => res.end(\`\${store.hit()} \${store.hits}\`));
server.listen(0, '127.0.0.1', () => console.log('LISTENING ' + server.address().port));
`,
  });
  const running = await App.start('cjs', { fixture: source, args: ['-r', 'hotpatch-agent/register', 'app.js'] });
  after(() => running.stop());
  assert.equal(await running.get('/'), 'v1 1');
  assert.equal(await running.get('/'), 'v1 2');

  await loadEdited(running, 'store.js', (text) => text.replace("'v1'", "'v2'"));
  assert.equal(await running.get('/'), 'v2 3', 'its count kept (it read v2 1 before), its method new');
});

test('a function the module wrote reaches importers as it is, and a load of its module still reaches what they hold', async () => {
  const source = scratchFiles('cjs-exports', {
    'package.json': '{}',
    'events.js': `const { EventEmitter } = require('node:events');
const bus = new EventEmitter();
function onPing() {
  return 'v1';
}
bus.on('ping', onPing);
const describe = (value) => \`value \${value}\`;
module.exports = { bus, onPing, describe, default: describe };
`,
    'app.js': `const events = require('./events');
const { onPing, describe } = events;
const server = require('node:http').createServer((req, res) => {
  if (req.url === '/off') {
    events.bus.off('ping', onPing);
    return res.end(String(events.bus.listenerCount('ping')));
  }
  res.end(\`\${onPing()} \${describe(1)} \${events.default === describe}\`);
});
server.listen(0, '127.0.0.1', () => console.log('LISTENING ' + server.address().port));
`,
  });
  const running = await App.start('cjs', { fixture: source, args: ['-r', 'hotpatch-agent/register', 'app.js'] });
  after(() => running.stop());
  assert.equal(await running.get('/'), 'v1 value 1 true', 'one function under two export names');

  await loadEdited(running, 'events.js', (text) =>
    text.replace("'v1'", "'v2'").replace('`value ${value}`', '`the value ${value}`'),
  );
  assert.equal(
    await running.get('/'),
    'v2 the value 1 true',
    'the functions importers took at startup run their new bodies',
  );
  assert.equal(await running.get('/off'), '0', 'the listener the module registered is the one importers got');
});

test('an export given a new value that another module took into a constant at startup reaches that constant, and what the module exports from it, in turn; one copied otherwise (into a let, by an export statement) is named with the line that copied it; one read at each use is live', async () => {
  const source = scratchFiles('cjs-exports', {
    'package.json': '{}',
    'type-defs.js': `exports.typeDefs = 'type Query { books: Int }';
exports.limit = 10;
exports.title = 'Library';
exports.format = { title: (text) => text.toUpperCase() };
`,
    'schema.js': `const { typeDefs } = require('./type-defs');
const defs = require('./type-defs');
let { title } = defs;
exports.schema = { typeDefs, limit: defs.limit, title };
exports.describe = () => \`\${title}: \${defs.typeDefs}\`;
const { format } = defs;
exports.shout = () => format.title(title);
// Read at each call, not once: no copy.
function pageLimit() {
  return defs.limit;
}
exports.pageLimit = pageLimit;
`,
    'app.js': `const { schema, describe, shout } = require('./schema');
const server = require('node:http').createServer((req, res) =>
  res.end(req.url === '/shout' ? shout() : JSON.stringify({ built: schema, now: describe() })),
);
server.listen(0, '127.0.0.1', () => console.log('LISTENING ' + server.address().port));
`,
  });
  const running = await App.start('cjs', { fixture: source, args: ['-r', 'hotpatch-agent/register', 'app.js'] });
  after(() => running.stop());

  const cli = await loadEdited(running, 'type-defs.js', (text) =>
    text.replace('books: Int', 'books: Int, authors: Int').replace('10', '20').replace("'Library'", "'Books'"),
  );
  const output = cli.stdout + cli.stderr;
  assert.match(output, /⚠/, 'what did not apply is a warning, not ✓');
  // schema.js took typeDefs into a constant: it takes the new one, as a restart would, and
  // exports a schema made with it, which app.js took into a constant in turn.
  assert.doesNotMatch(output, /typeDefs has a new value/);
  assert.match(output, /schema\.js new value: typeDefs, again for the new value of typeDefs/);
  assert.match(output, /schema\.js line 4: module\.exports\.schema \(new values\)/);
  assert.match(output, /app\.js new value: schema, again for the new value of schema/);
  assert.match(
    output,
    /limit has a new value, but schema\.js line 4 \(exports\.schema = \{ typeDefs, limit: defs\.limit, title \};\) copied it once/,
  );
  // A let is the module's own to assign: not taken again.
  assert.match(output, /title has a new value, but schema\.js line 3 \(let \{ title \} = defs;\) copied it once/);
  // What the report says is what the app does: the copies named are old, the read at each use is new.
  assert.deepEqual(JSON.parse(await running.get('/')), {
    built: { typeDefs: 'type Query { books: Int, authors: Int }', limit: 10, title: 'Library' },
    now: 'Library: type Query { books: Int, authors: Int }',
  });

  const unchanged = await loadEdited(running, 'type-defs.js', (text) => `// the type definitions\n${text}`);
  assert.doesNotMatch(
    unchanged.stdout + unchanged.stderr,
    /has a new value/,
    'a load that replaced no export names none',
  );

  // A new parameter list runs the statement again, a new object of new functions; the copy's
  // old functions forward to the new bodies, so there is nothing stale to name.
  const reran = await loadEdited(running, 'type-defs.js', (text) =>
    text.replace('(text) => text.toUpperCase()', "(text, mark = '!') => text.toUpperCase() + mark"),
  );
  assert.match(
    reran.stdout,
    /ran line 5: exports\.format/,
    'the statement ran again (line 5: the comment the load before added)',
  );
  assert.doesNotMatch(reran.stdout + reran.stderr, /format has a new value/, reran.stdout);
  assert.equal(await running.get('/shout'), 'LIBRARY!');
});

test('a value taken again in an importer that a third module copied into a let: named there too, and the restart offered', async () => {
  const source = scratchFiles('cjs-exports', {
    'package.json': '{}',
    'type-defs.js': `exports.typeDefs = 'type Query { books: Int }';
`,
    'schema.js': `const { typeDefs } = require('./type-defs');
exports.schema = { typeDefs };
`,
    'app.js': `let { schema } = require('./schema');
const server = require('node:http').createServer((req, res) => res.end(JSON.stringify(schema)));
server.listen(0, '127.0.0.1', () => console.log('LISTENING ' + server.address().port));
`,
  });
  const running = await App.start('cjs', { fixture: source, args: ['-r', 'hotpatch-agent/register', 'app.js'] });
  after(() => running.stop());

  const cli = await loadEdited(running, 'type-defs.js', (text) =>
    text.replace('books: Int', 'books: Int, authors: Int'),
  );
  const output = cli.stdout + cli.stderr;
  assert.match(output, /schema\.js new value: typeDefs, again for the new value of typeDefs/);
  assert.match(
    output,
    /schema has a new value, but app\.js line 1 \(let \{ schema \} = require\('\.\/schema'\);\) copied it once/,
  );
  assert.match(output, /restart the app to apply what could not apply in place/, output);
  assert.equal(
    await running.get('/'),
    '{"typeDefs":"type Query { books: Int }"}',
    'what the note says: the copy is old',
  );
});

test('a value a load gives a module variable reaches what the module exports from it; one its exports built with a call is named, with a restart offer', async () => {
  const source = scratchFiles('cjs-exports', {
    'package.json': '{}',
    'config.js': `const limit = 10;
const defaults = { pageSize: 20 };
const makeMessage = (text) => ({ text });
module.exports = { limit, pageSize: defaults.pageSize, label: \`up to \${limit}\` };
module.exports.twice = limit * 2;
`,
    'greeting.js': `const makeMessage = (text) => ({ text });
const greeting = 'hello';
module.exports = { greeting, message: makeMessage(greeting) };
`,
    'app.js': `const config = require('./config');
const greeting = require('./greeting');
const server = require('node:http').createServer((req, res) => res.end(JSON.stringify({ ...config, ...greeting })));
server.listen(0, '127.0.0.1', () => console.log('LISTENING ' + server.address().port));
`,
  });
  const running = await App.start('cjs', { fixture: source, args: ['-r', 'hotpatch-agent/register', 'app.js'] });
  after(() => running.stop());
  assert.deepEqual(JSON.parse(await running.get('/')), {
    limit: 10,
    pageSize: 20,
    label: 'up to 10',
    twice: 20,
    greeting: 'hello',
    message: { text: 'hello' },
  });

  const cli = await loadEdited(running, 'config.js', (text) =>
    text.replace('limit = 10', 'limit = 50').replace('20 }', '25 }'),
  );
  assert.match(cli.stdout, /✓/, cli.stdout);
  assert.match(
    cli.stdout,
    /ran line 4: module\.exports\.limit, \.pageSize, \.label \(new values\), line 5: module\.exports\.twice/,
  );
  assert.deepEqual(
    JSON.parse(await running.get('/')),
    { limit: 50, pageSize: 25, label: 'up to 50', twice: 100, greeting: 'hello', message: { text: 'hello' } },
    'the exports hold the new values, as after a restart',
  );

  const built = await loadEdited(running, 'greeting.js', (text) => text.replace("'hello'", "'hi'"));
  assert.match(built.stdout, /⚠/, built.stdout);
  assert.match(
    built.stdout,
    /greeting has a new value, but line 3 \(module\.exports = \{ greeting, message : makeMessage\(greeting\)\}\) read it once, at startup, and keeps the old one; restart the app/,
  );
  assert.match(built.stdout, /hotpatch restart/);
  const now = JSON.parse(await running.get('/'));
  assert.deepEqual(
    [now.greeting, now.message],
    ['hello', { text: 'hello' }],
    'what the warning says: the exports are as they were',
  );
});

test('a module that exports another array than the one its importers hold (route configs read at startup) names it, with a restart offer', async () => {
  const source = scratchFiles('cjs-exports', {
    'package.json': '{}',
    'routes.js': `module.exports = [
  { path: '/books', reply: () => 'books' },
];
`,
    'app.js': `const routes = require('./routes');
const handlers = new Map(routes.map((route) => [route.path, route.reply]));
const server = require('node:http').createServer((req, res) => {
  const reply = handlers.get(req.url);
  res.statusCode = reply ? 200 : 404;
  res.end(reply ? reply() : 'no route');
});
server.listen(0, '127.0.0.1', () => console.log('LISTENING ' + server.address().port));
`,
  });
  const running = await App.start('cjs', { fixture: source, args: ['-r', 'hotpatch-agent/register', 'app.js'] });
  after(() => running.stop());
  assert.equal(await running.get('/books'), 'books');

  const cli = await loadEdited(running, 'routes.js', (text) =>
    text.replace('];', "  { path: '/count', reply: () => '1' },\n];"),
  );
  assert.match(cli.stdout, /⚠/, cli.stdout);
  assert.match(cli.stdout, /not applied: the module exports another Array than the one its importers hold/);
  assert.match(cli.stdout, /restart the app to apply what could not apply in place/);
  assert.match(cli.stdout, /hotpatch restart/);
});

test('a frozen module of messages (module.exports = Object.freeze({ ...messages, … })) exports the new values after a ✓', async () => {
  const source = scratchFiles('cjs-exports', {
    'package.json': '{}',
    'messages.js': `const APP_NAME = 'Articles';
const messages = { welcome: \`Welcome to \${APP_NAME}\`, notFound: 'No such article' };
module.exports = Object.freeze({ ...messages, appName: APP_NAME });
`,
    'app.js': `const messages = require('./messages');
const server = require('node:http').createServer((req, res) => res.end(JSON.stringify(messages)));
server.listen(0, '127.0.0.1', () => console.log('LISTENING ' + server.address().port));
`,
  });
  const running = await App.start('cjs', { fixture: source, args: ['-r', 'hotpatch-agent/register', 'app.js'] });
  after(() => running.stop());
  assert.deepEqual(JSON.parse(await running.get('/')), {
    welcome: 'Welcome to Articles',
    notFound: 'No such article',
    appName: 'Articles',
  });

  const cli = await loadEdited(running, 'messages.js', (text) => text.replace("'Articles'", "'Newsroom'"));
  assert.match(cli.stdout, /✓/, cli.stdout);
  assert.match(cli.stdout, /ran line 3: module\.exports \(new values\)/);
  assert.deepEqual(
    JSON.parse(await running.get('/')),
    { welcome: 'Welcome to Newsroom', notFound: 'No such article', appName: 'Newsroom' },
    'the exports hold the new values, as after a restart',
  );
});

test('a route another module added with an export’s old value (validate(rules.titleRule)) is added again with its new one, where it stood', async () => {
  const source = scratchFiles('cjs-exports', {
    'package.json': '{}',
    'rules.js': `class Rule {
  constructor(min) {
    this.min = min;
  }
  check(text) {
    return text.length >= this.min;
  }
}
exports.titleRule = new Rule(1);
`,
    'routes.js': `const express = require('express');
const rules = require('./rules');

const validate = (rule) => (req, res, next) =>
  rule.check(String(req.query.title ?? '')) ? next() : res.status(400).send('too short');
const router = express.Router();
router.get('/check', validate(rules.titleRule), (req, res) => res.send('ok'));
router.get('/check', (req, res) => res.send('the route after it'));
module.exports = router;
`,
    'app.js': `const express = require('express');
const app = express();
app.use(require('./routes'));
const server = app.listen(0, '127.0.0.1', () => console.log('LISTENING ' + server.address().port));
`,
  });
  const running = await App.start('cjs', { fixture: source, args: ['-r', 'hotpatch-agent/register', 'app.js'] });
  after(() => running.stop());
  assert.equal(await running.get('/check?title=ab'), 'ok');

  const stricter = await loadEdited(running, 'rules.js', (text) => text.replace('new Rule(1)', 'new Rule(3)'));
  const said = stricter.stdout + stricter.stderr;
  assert.match(said, /✓/, said);
  assert.doesNotMatch(said, /has a new value, but/);
  assert.match(said, /routes\.js .*again for the new value of titleRule/);
  assert.equal(await running.get('/check?title=ab'), 'too short');
  // Where it stood: before the route registered after it.
  assert.equal(await running.get('/check?title=abcd'), 'ok');
});

test("a tsx module's export a library built (a router of procedures), copied by another module at startup, is named with the line that copied it, and a restart offered", async () => {
  const source = scratchFiles('cjs-exports', {
    'package.json': '{}',
    // A library's builder (not hot, as node_modules is not), as tRPC's
    // `publicProcedure.input(schema).query(…)`: the function it returns keeps what it was built
    // with, and forwards to no newer code.
    'vendor/builder.js': `exports.procedure = (max) => {
  const run = (title) => (title.length <= max ? 'added ' + title : 'too long');
  run.max = max;
  return run;
};
`,
    'todos.ts': `import { procedure } from './vendor/builder';

export const todosRouter = { add: procedure(3) };
`,
    'routes.ts': `import { todosRouter } from './todos';

export const appRouter = { todos: todosRouter };
`,
    // A namespace import: tsx's \`var todos = __toESM(require("./todos"))\`.
    'admin.ts': `import * as todos from './todos';

export const adminRouter = { todos: todos.todosRouter };
`,
    'app.ts': `import http from 'node:http';
import { appRouter } from './routes';
import './admin';

const server = http.createServer((req, res) => {
  const title = new URL(req.url ?? '/', 'http://localhost').searchParams.get('title') ?? '';
  res.end(appRouter.todos.add(title));
});
server.listen(0, '127.0.0.1', () => console.log('LISTENING ' + (server.address() as { port: number }).port));
`,
  });
  const running = await App.start('tsx', {
    fixture: source,
    args: ['--import', 'tsx', '-r', 'hotpatch-agent/register', 'app.ts'],
    env: { HOTPATCH_EXCLUDE: 'vendor/**' },
  });
  after(() => running.stop());
  assert.equal(await running.get('/?title=tea'), 'added tea');

  const cli = await loadEdited(running, 'todos.ts', (text) => text.replace('procedure(3)', 'procedure(10)'));
  const output = cli.stdout + cli.stderr;
  // tsx runs the module inside a function of its own, and exports it through getters: both hid
  // the copy. The report warned only of the line esbuild writes for Node's export lexer,
  // `0 && (module.exports = { todosRouter })`, which never runs, and offered no restart.
  assert.match(output, /⚠/, output);
  // The lines are quoted as the TypeScript writes them, not as esbuild compiled them
  // (`const appRouter={todos:import_todos.todosRouter};`).
  const routes = 'routes\\.ts line 3 \\(export const appRouter = \\{ todos: todosRouter \\};\\)';
  const admin = 'admin\\.ts line 3 \\(export const adminRouter = \\{ todos: todos\\.todosRouter \\};\\)';
  assert.match(
    output,
    new RegExp(`todosRouter has a new value, but (${routes}, ${admin}|${admin}, ${routes}) copied it once`),
  );
  assert.match(output, /restart the app to apply what could not apply in place/);
  assert.equal(await running.get('/?title=coffee'), 'too long', 'as the report says: the app runs the old procedure');
});
