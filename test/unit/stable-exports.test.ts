/** The stable face of a module: trampolines, classes patched in place, values replaced. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { promisify } from 'node:util';
import {
  createStableExports,
  isClass,
  isPlainFunction,
  markLiveFunctions,
  updateStableExports,
} from '../../runtime-agent/src/code-server/stable-exports';

/** A module whose current raw exports can be swapped, as the code server does. */
function moduleWith(raw: Record<string, unknown> | Function) {
  // The face may be `raw` rewritten in place: like the code server, keep what the version exported.
  const copy = typeof raw === 'function' ? raw : Object.defineProperties({}, Object.getOwnPropertyDescriptors(raw));
  const state = { current: copy };
  const current = (key: string | null) => () =>
    key === null ? state.current : (state.current as Record<string, unknown>)[key];
  const face = createStableExports(raw, current);
  return {
    face: face as Record<string, unknown>,
    load(next: Record<string, unknown> | Function): string[] {
      state.current = next;
      return updateStableExports(face, next, current);
    },
  };
}

test('a function captured before a load runs the new version', () => {
  const m = moduleWith({ greet: (n: string) => `hello ${n}` });
  const captured = m.face.greet as (n: string) => string;
  m.load({ greet: (n: string) => `howdy ${n}` });
  assert.equal(captured('ann'), 'howdy ann');
  assert.equal(captured, m.face.greet, 'the exported function keeps its identity');
  assert.equal(captured.name, 'greet');
});

test('this and new pass through a trampoline', () => {
  function Point(this: { x: number }, x: number) {
    this.x = x;
  }
  const m = moduleWith({
    Point,
    getX(this: { x: number }) {
      return this.x;
    },
  });
  const made = new (m.face.Point as unknown as new (x: number) => { x: number })(3);
  assert.equal(made.x, 3);
  assert.equal((m.face.getX as (this: unknown) => number).call({ x: 7 }), 7);
});

test('a class keeps its identity and existing instances get the new methods', () => {
  class CounterV1 {
    count = 1;
    describe(): string {
      return `v1:${this.count}`;
    }
    static kind(): string {
      return 'v1';
    }
  }
  class CounterV2 {
    count = 0;
    describe(): string {
      return `v2:${this.count}`;
    }
    extra(): number {
      return this.count + 1;
    }
    static kind(): string {
      return 'v2';
    }
  }
  const m = moduleWith({ Counter: CounterV1 });
  const Counter = m.face.Counter as typeof CounterV1;
  const instance = new Counter();
  assert.deepEqual(m.load({ Counter: CounterV2 }), []);
  assert.equal(m.face.Counter, Counter);
  assert.ok(instance instanceof (m.face.Counter as typeof CounterV1));
  assert.equal(instance.describe(), 'v2:1', 'new method, old instance state');
  assert.equal((instance as unknown as CounterV2).extra(), 2);
  assert.equal(Counter.kind(), 'v2');
});

test('classes with private members are not patched, and a warning says why', () => {
  class A {
    #secret = 1;
    read(): number {
      return this.#secret;
    }
  }
  class B {
    #secret = 2;
    read(): number {
      return this.#secret * 10;
    }
  }
  const m = moduleWith({ A });
  const instance = new (m.face.A as typeof A)();
  const warnings = m.load({ A: B });
  assert.match(warnings.join('\n'), /class A uses private members/);
  assert.equal(instance.read(), 1, 'the old method still works on the old instance');
});

test('values are replaced and removed exports disappear; a removed function says so when called', () => {
  const m = moduleWith({ vsn: '1', gone: () => 1, limit: 10 });
  const gone = m.face.gone as () => number;
  m.load({ vsn: '2', limit: 20 });
  assert.equal(m.face.vsn, '2');
  assert.equal(m.face.limit, 20);
  assert.ok(!('gone' in m.face));
  assert.throws(() => gone(), /'gone' is no longer a function/);
});

test('module.exports = function: the face is a trampoline carrying the properties', () => {
  const v1 = Object.assign((n: number) => n + 1, { helper: () => 'h1' });
  const m = moduleWith(v1);
  const face = m.face as unknown as ((n: number) => number) & { helper: () => string };
  assert.notEqual(face, v1);
  m.load(Object.assign((n: number) => n + 100, { helper: () => 'h2' }));
  assert.equal(face(1), 101);
  assert.equal(face.helper(), 'h2');
});

/** A function that is also an object with data, whose methods read it through `this`, as an Express app is. */
function makeApp(): ((path: string) => string) & { routes: string[]; get(path: string): void } {
  const app = Object.assign((path: string) => (app.routes.includes(path) ? `200 ${path}` : '404'), {
    routes: [] as string[],
    get(this: { routes: string[] }, path: string) {
      this.routes.push(path);
    },
  });
  return app;
}

test('a function that is also an object with data reaches importers as it is: what they call on it runs on it', () => {
  const app = makeApp();
  const helper = (): string => 'h';
  const m = moduleWith({ app, helper });
  assert.equal(m.face.app, app);
  (m.face.app as typeof app).get('/b');
  assert.equal(app('/b'), '200 /b', 'the route added through the export is the app’s');
  assert.equal(isPlainFunction(app), false);
  assert.notEqual(m.face.helper, helper, 'a plain function beside it is still a trampoline');
  assert.equal((m.face.helper as typeof helper)(), 'h');
});

test('a function whose methods come from its prototype (an Express router) reaches importers as it is', () => {
  const proto = {
    get(this: { stack: string[] }, path: string) {
      this.stack.push(path);
    },
  };
  const router = Object.setPrototypeOf(() => 'routed', proto) as (() => string) & typeof proto;
  const m = moduleWith({ router });
  assert.equal(m.face.router, router);
  assert.equal(isPlainFunction(router), false);
});

test('an async or a generator function reaches importers as it is: a trampoline would be neither', () => {
  const fetchUser = async (id: number) => ({ id });
  function* ids() {
    yield 1;
  }
  const m = moduleWith({ fetchUser, ids });
  assert.equal(m.face.fetchUser, fetchUser);
  assert.equal(m.face.ids, ids);
});

test('a function carrying util.promisify.custom reaches importers as it is', () => {
  const lookup = (id: number, callback: (error: Error | null, value?: string) => void) => callback(new Error(`${id}`));
  Object.assign(lookup, { [promisify.custom]: (id: number) => Promise.resolve(`custom-${id}`) });
  const m = moduleWith({ lookup });
  assert.equal(m.face.lookup, lookup);
});

test('module.exports = new Service(): the instance is its own face, its own bound methods untouched', () => {
  class Service {
    ticks = 0;
    constructor() {
      this.onTick = this.onTick.bind(this);
    }
    onTick(): void {
      this.ticks++;
    }
  }
  const service = new Service();
  const onTick = service.onTick;
  const m = moduleWith(service as unknown as Record<string, unknown>);
  assert.equal(m.face, service);
  assert.equal(service.onTick, onTick, 'the bound method the constructor made is still the one the instance holds');
  assert.deepEqual(m.load(service as unknown as Record<string, unknown>), []);
  assert.match(
    m.load(new Service() as unknown as Record<string, unknown>)[0] ?? '',
    /another Service .* restart the app/,
  );
});

test('a function marked with symbols (a Fastify plugin) reaches importers as it is, marks and all', () => {
  const plugin = Object.assign(async () => undefined, { [Symbol.for('skip-override')]: true });
  const m = moduleWith({ plugin });
  assert.equal(m.face.plugin, plugin);
  assert.equal((m.face.plugin as Record<symbol, unknown>)[Symbol.for('skip-override')], true);
});

test('a constructor written as a function (methods on its prototype) reaches importers as it is', () => {
  function Store(this: { items: string[] }) {
    this.items = [];
  }
  Store.prototype.add = function (this: { items: string[] }, item: string) {
    return this.items.push(item);
  };
  const m = moduleWith({ Store });
  assert.equal(m.face.Store, Store);
  const store = new (m.face.Store as unknown as new () => { add(item: string): number })();
  assert.equal(store.add('a'), 1);
  assert.ok(store instanceof Store);
});

test('new through a trampoline makes an instance of the function it calls', () => {
  function Point(this: { x: number }, x: number) {
    this.x = x;
  }
  const m = moduleWith({ Point });
  const Face = m.face.Point as unknown as new (x: number) => { x: number };
  assert.notEqual(Face, Point, 'a function with nothing on its prototype is a trampoline');
  const point = new Face(3);
  assert.ok(point instanceof Point);
  assert.ok(point instanceof Face);
});

test('module.exports = app: the app is its own face; a load that keeps it says nothing, one that replaces it says to restart', () => {
  const app = makeApp();
  const m = moduleWith(app);
  assert.equal(m.face, app);
  assert.deepEqual(m.load(app), []);
  const warnings = m.load(makeApp());
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /cannot be swapped under them .*; restart the app to use it/);
  assert.equal(m.face, app, 'importers keep the app they hold');
});

test('module.exports = a primitive: a load that keeps its value says nothing, one that changes it says importers keep the old one', () => {
  const current = () => () => 42;
  const face = createStableExports(42, current);
  assert.equal(face, 42);
  assert.deepEqual(updateStableExports(face, 42, current), []);
  assert.deepEqual(updateStableExports(face, 43, current), [
    'the module exports a new primitive value; importers keep the one they read: restart the app to use it',
  ]);
});

test('TypeScript-style exports are rewritten in place, keeping __esModule', () => {
  const raw: Record<string, unknown> = {};
  Object.defineProperty(raw, '__esModule', { value: true });
  raw.greet = () => 'v1';
  const m = moduleWith(raw);
  assert.equal(m.face, raw, 'the object a require cycle may already hold stays the face');
  assert.equal(m.face.__esModule, true);
  m.load({ greet: () => 'v2' });
  assert.equal((raw.greet as () => string)(), 'v2');
});

test('esbuild-style getter exports get a fresh face', () => {
  const raw = {};
  Object.defineProperty(raw, 'greet', { get: () => () => 'v1', enumerable: true });
  const m = moduleWith(raw);
  assert.notEqual(m.face, raw);
  assert.equal((m.face.greet as () => string)(), 'v1');
});

test('an export read through a getter (a live binding) follows what the module assigns, without a load', () => {
  let greet = (): string => 'v1';
  const raw = {};
  Object.defineProperty(raw, 'greet', { get: () => greet, enumerable: true });
  const m = moduleWith(raw);
  const captured = m.face.greet as () => string;
  greet = () => 'assigned';
  assert.equal(captured(), 'assigned');
});

test('a trampoline passes on every argument, and new with its new.target', () => {
  const m = moduleWith({ count: (...args: unknown[]) => args.length, Made: function Made() {} });
  const count = m.face.count as (...args: unknown[]) => number;
  assert.equal(count(), 0);
  assert.equal(count(1, 2, 3, 4, 5), 5);
  m.load({ count: (...args: unknown[]) => args.length * 10, Made: function Made() {} });
  assert.equal(count(1, 2), 20, 'the load that gave another function is followed at once');
  const Made = m.face.Made as unknown as new () => object;
  class Sub extends Made {}
  assert.ok(new Sub() instanceof Sub);
});

test('isClass tells classes from functions', () => {
  assert.equal(isClass(class {}), true);
  assert.equal(
    isClass(function () {}),
    false,
  );
  assert.equal(
    isClass(() => 1),
    false,
  );
});

test("an export behind a getter is read live: the module's later assignments are seen, before and after a load", () => {
  let pool: object | null = null;
  let handler = (): string => 'first';
  const raw = {
    get pool() {
      return pool;
    },
    get handler() {
      return handler;
    },
  };
  const m = moduleWith(raw);
  assert.equal(m.face.pool, null);
  pool = { driver: 'memory' };
  assert.deepEqual(m.face.pool, { driver: 'memory' }, 'connect() assigned it after the face was made');

  const captured = m.face.handler as () => string;
  handler = () => 'assigned';
  assert.equal(captured(), 'assigned', 'the function the app holds calls what the getter gives now');
  assert.equal(m.face.handler, captured, 'one function per export, whose identity lasts');

  let nextPool: object | null = { driver: 'v2' };
  m.load({
    get pool() {
      return nextPool;
    },
    get handler() {
      return () => 'loaded';
    },
  });
  assert.deepEqual(m.face.pool, { driver: 'v2' });
  nextPool = null;
  assert.equal(m.face.pool, null, "the new version's getter, read live");
  assert.equal(captured(), 'loaded');
});

test('a load leaves what the app changed in an exported object, where the version did not change it', () => {
  const startup = {
    hits: 0,
    limit: 5,
    hit(): number {
      return 0;
    },
  };
  const face = createStableExports(startup, () => () => undefined) as Record<string, unknown>;
  assert.ok(face === startup, 'a plain object is its own face');
  face.hits = 7; // the app's doing: `this.hits += 1` in a method
  face.lastRun = 'today'; // a property the app added
  const next = { ...startup, hits: 0, limit: 10 }; // the version: a copy of the one before, its limit changed
  updateStableExports(face, next, () => () => undefined, { ...startup, hits: 0 });
  assert.equal(face.hits, 7, 'the count the app kept');
  assert.equal(face.limit, 10, 'the value the version changed');
  assert.equal(face.lastRun, 'today', 'the property the app added');
});

test('a function a live module wrote reaches importers as it is, under every name it is exported by', () => {
  const handler = (): string => 'h';
  markLiveFunctions([handler]);
  const m = moduleWith({ handler, default: handler });
  assert.equal(m.face.handler, handler);
  assert.equal(m.face.default, handler);
  assert.deepEqual(m.load({ handler, default: handler }), []);
  assert.equal(m.face.handler, handler);
});
