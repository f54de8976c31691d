/**
 * Exports that are functions and objects at once, as Express's are: an app exported by the
 * module that builds it (`module.exports = app`, `export const app = express()`) and a router
 * exported by name, which other modules add routes to; and a constructor written as a function,
 * its methods on its prototype. Under the agent their importers get them
 * as they are, not as trampolines (which have none of their methods: the app died at startup with
 * "router.post is not a function"), and a load of the module that made them applies.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { App, type AppKind } from '../helpers/app';
import { loadEdited } from '../helpers/cli';
import { scratchFiles } from '../helpers/scratch';

const listen = `const server = app.listen(0, '127.0.0.1', () => console.log('LISTENING ' + server.address().port));`;

const apps: Record<string, { kind: AppKind; args: string[]; files: Record<string, string> }> = {
  CommonJS: {
    kind: 'cjs',
    args: ['-r', 'hotpatch-agent/register', 'server.js'],
    files: {
      'package.json': '{}',
      'app.js': `const express = require('express');
const app = express();
app.get('/items', (req, res) => res.send('items v1'));
module.exports = app;
`,
      'admin.js': `const { Router } = require('express');
exports.router = Router();
`,
      'ping.js': `const { router } = require('./admin');
router.get('/ping', (req, res) => res.send('pong'));
`,
      'counter.js': `function Counter() {
  this.hits = 0;
}
Counter.prototype.hit = function () {
  return ++this.hits;
};
module.exports = Counter;
`,
      'server.js': `const app = require('./app');
const { router } = require('./admin');
const Counter = require('./counter');
require('./ping');
const counter = new Counter();
app.get('/health', (req, res) => res.send('ok'));
app.get('/hits', (req, res) => res.send(String(counter.hit())));
app.use('/admin', router);
${listen}
`,
    },
  },
  'ES modules': {
    kind: 'esm',
    args: ['--import', 'hotpatch-agent/register', 'server.js'],
    files: {
      'package.json': JSON.stringify({ type: 'module' }),
      'app.js': `import express from 'express';
export const app = express();
app.get('/items', (req, res) => res.send('items v1'));
`,
      'admin.js': `import { Router } from 'express';
export const router = Router();
`,
      'ping.js': `import { router } from './admin.js';
router.get('/ping', (req, res) => res.send('pong'));
`,
      'counter.js': `export function Counter() {
  this.hits = 0;
}
Counter.prototype.hit = function () {
  return ++this.hits;
};
`,
      'server.js': `import { app } from './app.js';
import { router } from './admin.js';
import { Counter } from './counter.js';
import './ping.js';
const counter = new Counter();
app.get('/health', (req, res) => res.send('ok'));
app.get('/hits', (req, res) => res.send(String(counter.hit())));
app.use('/admin', router);
${listen}
`,
    },
  },
};

for (const [name, app] of Object.entries(apps)) {
  test(`${name}: an Express app and router used by other modules, and a constructor function, work under the agent, and a load applies`, async () => {
    const source = scratchFiles('callable-exports', app.files);
    const running = await App.start(app.kind, { fixture: source, args: app.args });
    after(() => running.stop());
    assert.equal(await running.get('/health'), 'ok', 'a route the entry added to the imported app');
    assert.equal(await running.get('/admin/ping'), 'pong', 'a route another module added to the imported router');
    assert.equal(await running.get('/items'), 'items v1');
    assert.equal(await running.get('/hits'), '1', "an instance of the constructor has its prototype's methods");

    await loadEdited(running, 'app.js', (text) => text.replace("'items v1'", "'items v2'"));
    assert.equal(await running.get('/items'), 'items v2');
    assert.equal(await running.get('/admin/ping'), 'pong');
    assert.equal(await running.get('/hits'), '2');
  });
}

test('module.exports = new Cache(): a load of its module keeps the instance and its data, and the edited method runs', async () => {
  const source = scratchFiles('callable-exports', {
    'package.json': '{}',
    'cache.js': `class Cache {
  entries = new Map();
  hits = 0;
  get(key) {
    this.hits += 1;
    return this.entries.get(key) ?? 'miss';
  }
}
module.exports = new Cache();
`,
    'app.js': `const cache = require('./cache');
const server = require('node:http').createServer((req, res) => res.end(\`\${cache.get(req.url)} \${cache.hits}\`));
server.listen(0, '127.0.0.1', () => console.log('LISTENING ' + server.address().port));
`,
  });
  const running = await App.start('cjs', { fixture: source, args: ['-r', 'hotpatch-agent/register', 'app.js'] });
  after(() => running.stop());
  assert.equal(await running.get('/a'), 'miss 1');
  assert.equal(await running.get('/a'), 'miss 2');

  const cli = await loadEdited(running, 'cache.js', (text) => text.replace("?? 'miss'", "?? 'absent'"));
  assert.doesNotMatch(cli.stdout, /restart/, cli.stdout);
  assert.equal(await running.get('/a'), 'absent 3', 'the same instance, its count kept, its method new');
});

test("a module's own functions, declared or held by a variable, reach importers as they are; one another module made, through a trampoline", async () => {
  const source = scratchFiles('callable-exports', {
    'package.json': '{}',
    'make.js': `module.exports = (text) => function made() {
  return text;
};
`,
    'handlers.js': `const { EventEmitter } = require('node:events');
const bus = new EventEmitter();
function onTick() {
  return 'tick v1';
}
const onTock = () => 'tock v1';
const made = require('./make')('made v1');
bus.on('tick', onTick);
bus.on('tock', onTock);
bus.on('made', made);
module.exports = { bus, onTick, onTock, made };
`,
    'app.js': `const handlers = require('./handlers');
const { onTick, onTock, made } = handlers;
const server = require('node:http').createServer((req, res) => {
  const [tick] = handlers.bus.listeners('tick');
  const [tock] = handlers.bus.listeners('tock');
  const [original] = handlers.bus.listeners('made');
  res.end(JSON.stringify({ tick: tick === onTick, tock: tock === onTock, made: made === original, calls: [onTick(), onTock(), made()] }));
});
server.listen(0, '127.0.0.1', () => console.log('LISTENING ' + server.address().port));
`,
  });
  const running = await App.start('cjs', { fixture: source, args: ['-r', 'hotpatch-agent/register', 'app.js'] });
  after(() => running.stop());
  assert.deepEqual(JSON.parse(await running.get('/')), {
    tick: true,
    tock: true,
    made: false,
    calls: ['tick v1', 'tock v1', 'made v1'],
  });

  await loadEdited(running, 'handlers.js', (text) =>
    text.replace("'tick v1'", "'tick v2'").replace("'tock v1'", "'tock v2'"),
  );
  assert.deepEqual(JSON.parse(await running.get('/')), {
    tick: true,
    tock: true,
    made: false,
    calls: ['tick v2', 'tock v2', 'made v1'],
  });
});
