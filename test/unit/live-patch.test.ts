/**
 * The code a live load evaluates, for syntax that has tripped instrumentation before: every
 * pair of versions below must give a patch V8 compiles, and the first version's instrumented
 * code must compile too. (Behaviour is shown end to end in integration/live-edits.test.ts.)
 */
import assert from 'node:assert/strict';
import { Script } from 'node:vm';
import { test } from 'node:test';
import { digestOf, labelOf } from '../../runtime-agent/src/code-server/live/digest';
import { Edits } from '../../runtime-agent/src/code-server/live/edits';
import { instrumentFunctions, instrumentStartup } from '../../runtime-agent/src/code-server/live/instrument';
import { LiveModule, VersionScope } from '../../runtime-agent/src/code-server/live/live-module';
import { buildPatch } from '../../runtime-agent/src/code-server/live/patch';
import { readProgram } from '../../runtime-agent/src/code-server/live/program';
import { Parser } from 'acorn';
import { patchAfter } from '../helpers/live-patch';

/** Each function of `code` by its key, with its text: what keeps a key keeps this body under it. */
function bodiesByKey(code: string): Map<string, string> {
  return new Map(readProgram(code).functions.map((f) => [f.key, code.slice(f.node.start, f.node.end)]));
}

/** What a load of each later text says it could not apply, against `before` made live in `module`. */
function notAppliedAfter(module: LiveModule, before: string): (after: string) => string[] {
  const load = patchAfter(module, before);
  return (after) => load(after).report.notApplied;
}

/** Each case: the running version, then the edited one. */
const cases: Record<string, [string, string]> = {
  "an arrow with a trailing comma after its parameters (Prettier's default)": [
    'const add = (\n  a,\n  b,\n) => a + b;\nexports.add = add;',
    'const add = (\n  a,\n  b,\n) => a + b + 1;\nexports.add = add;',
  ],
  "an arrow whose body starts with 'use strict'": [
    "const f = (a) => { 'use strict'; return a; };\nconst g = () => { 'use strict'; return 1; };\nexports.f = f;",
    "const f = (a) => { 'use strict'; return a + 1; };\nconst g = () => { 'use strict'; return 2; };\nexports.f = f;",
  ],
  'arrows that destructure their arguments or give them defaults (GraphQL resolvers, a context function)': [
    'const resolvers = { Query: { books: (_p, _a, { library }) => library.all() } };\nconst context = async ({ request }, n = 1) => { return { request, n }; };\nclass A { handle = ({ id }) => this.find(id); find(id) { return id; } }\nexports.resolvers = resolvers;\nexports.context = context;\nexports.A = A;',
    'const resolvers = { Query: { books: (_p, _a, { library }) => library.all().slice(1) } };\nconst context = async ({ request }, n = 1) => { return { request, n: n + 1 }; };\nclass A { handle = ({ id }) => this.find(id) + 1; find(id) { return id; } }\nexports.resolvers = resolvers;\nexports.context = context;\nexports.A = A;',
  ],
  "tsx's enum (minified: a parameter without parentheses, in an arrow called where it is written) gaining a member": [
    'var Color=(Color2=>{Color2["Red"]="red";return Color2})(Color||{});exports.Color=Color;',
    'var Color=(Color2=>{Color2["Red"]="red";Color2["Blue"]="blue";return Color2})(Color||{});exports.Color=Color;',
  ],
  'an arrow whose body is a parenthesized object': [
    'const init = () => ({ count: 0 });\nexports.init = init;',
    'const init = () => ({ count: 0, since: "now" });\nexports.init = init;',
  ],
  'an async arrow without parentheses, nested in a call': [
    'app.get("/", async req => req.url);',
    'app.get("/", async req => req.url + "!");',
  ],
  'a handler nested in a plugin function, using the plugin parameter': [
    'module.exports = async function (fastify) {\n  fastify.get("/", async () => fastify.items.length);\n};',
    'module.exports = async function (fastify) {\n  fastify.get("/", async () => ({ total: fastify.items.length }));\n};',
  ],
  'async arrows without whitespace (tsx minifies it), nested in a plugin function': [
    'async function plugin(app){app.get("/",async()=>{return 1});app.get("/x",async x=>x)}module.exports={plugin};',
    'async function plugin(app){app.get("/",async()=>{return 2});app.get("/x",async x=>[x])}module.exports={plugin};',
  ],
  'arrows of every parameter form (each gets a rest parameter for arguments a newer body takes)': [
    'const a = x => x;\nconst b = async x => x;\nconst c = () => 1;\nconst d = async () => 1;\nconst e = (p, q) => { return p; };\nsetTimeout(y => y, 1);',
    'const a = x => x + 1;\nconst b = async x => x + 1;\nconst c = () => 2;\nconst d = async () => 2;\nconst e = (p, q) => { return q; };\nsetTimeout(y => y + 1, 1);',
  ],
  'sloppy functions of every parameter form (an unused rest parameter unmaps their arguments)': [
    'function f(a, b,) { return a; }\nfunction g() { return 1; }\nfunction h(a) { return arguments[0]; }\nfunction k(a, a) { return a; }\nconst o = { m(a) { return a; }, get x() { return 1; }, set x(v) {} };',
    'function f(a, b,) { return b; }\nfunction g() { return 2; }\nfunction h(a) { return arguments[1]; }\nfunction k(a, a) { return 1; }\nconst o = { m(a) { return 2; }, get x() { return 2; }, set x(v) { this.v = v; } };',
  ],
  'functions whose parameters a closure uses (no rest parameter), an arrow without parentheses among them': [
    'function outer(x) { const mk = app => () => app + x; return mk; }\nconst plugin = (fastify, opts) => { fastify.get("/", () => opts); };',
    'function outer(x) { const mk = app => () => app + x + 1; return mk; }\nconst plugin = (fastify, opts) => { fastify.get("/", () => [opts]); };',
  ],
  'generators and getters': [
    'function* ids() { yield 1; }\nconst box = { get size() { return 1; }, *each() { yield 1; } };',
    'function* ids() { yield 2; }\nconst box = { get size() { return 2; }, *each() { yield 2; } };',
  ],
  'a class with a field arrow, a static block and a derived constructor': [
    'class A {}\nclass B extends A {\n  handler = () => this.x;\n  static { this.n = 1; }\n  constructor() { super(); this.x = 1; }\n}',
    'class A {}\nclass B extends A {\n  handler = () => this.x + 1;\n  static { this.n = 1; }\n  constructor() { super(); this.x = 1; }\n}',
  ],
  'destructured declarations and shorthand properties': [
    'const { a, b = 2 } = require("./c");\nconst d = { a, b };',
    'const { a, b = 3 } = require("./c");\nconst d = { a, b, e: 1 };',
  ],
  'a module with "use strict" and a new function': [
    '"use strict";\nfunction f() { return 1; }\nexports.f = f;',
    '"use strict";\nfunction f() { return g(); }\nfunction g() { return 2; }\nexports.f = f;\nexports.g = g;',
  ],
  'a new declaration without a value (tsc decorator metadata)': [
    'class A {}\nexports.A = A;',
    '"use strict";\nvar _a;\nclass A {}\nexports.A = A;\nexports.B = typeof (_a = typeof A !== "undefined" && A) === "function" ? _a : Object;',
  ],
  "tsx's wrapper around the module": [
    '__filename="/app/x.ts";(()=>{\nconst items=[];\nfunction add(x){items.push(x)}\n})()',
    '"use strict";\nconst items=[];\nfunction add(x){items.push(x);return items.length}\n',
  ],
};

for (const [name, [before, after]] of Object.entries(cases)) {
  test(`${name}: the first version and the patch compile`, () => {
    const module = new LiveModule('/app/x.js');
    const first = readProgram(before);
    const edits = new Edits();
    instrumentStartup(first, edits, module.file);
    instrumentFunctions(first, module, 1, edits);
    const instrumented = edits.render(before, 0, before.length).text;
    assert.doesNotThrow(
      () => new Script(`(function (exports, require, module, __filename, __dirname) {${instrumented}\n})`),
      instrumented,
    );
    const patch = buildPatch(digestOf(first), readProgram(after), module, 2);
    assert.doesNotThrow(
      () => new Script(`(function (exports, require, module, __filename, __dirname) {${patch.code}\n})`),
      patch.code,
    );
    assert.deepEqual(patch.report.notApplied, [], 'everything applies');
  });
}

/** ES modules: the first version stays a module (checked by a parser: vm modules need a flag); the patch is a script. */
const moduleCases: Record<string, [string, string, { imports?: number; added?: string[] }]> = {
  'imports, exports and import.meta': [
    'import { a } from "./a.js";\nimport * as b from "./b.js";\nexport const url = import.meta.url;\nexport function f() { return a + b.c; }',
    'import { a, d } from "./a.js";\nimport * as b from "./b.js";\nexport const url = import.meta.url;\nexport function f() { return a + b.c + d; }\nexport function g() { return import.meta.dirname; }',
    { imports: 2, added: ['d', 'g'] },
  ],
  'a new statement that awaits, an export list, a default function': [
    'const items = [];\nfunction add(x) { items.push(x); }\nexport { add as push };\nexport default function () { return items.length; }',
    'const items = [];\nfunction add(x) { items.push(x); }\nawait Promise.resolve();\nexport { add as push, items };\nexport default function () { return items.length + 1; }',
    { added: ['items'] },
  ],
};

for (const [name, [before, after, expected]] of Object.entries(moduleCases)) {
  test(`ES module, ${name}: the first version and the patch compile`, () => {
    const module = new LiveModule('/app/x.mjs');
    const first = readProgram(before, undefined, 'esm');
    const edits = new Edits();
    instrumentStartup(first, edits, module.file);
    instrumentFunctions(first, module, 1, edits);
    const instrumented = edits.render(before, 0, before.length).text;
    assert.doesNotThrow(
      () => Parser.parse(instrumented, { ecmaVersion: 'latest', sourceType: 'module' }),
      instrumented,
    );
    const patch = buildPatch(digestOf(first), readProgram(after, undefined, 'esm'), module, 2);
    assert.doesNotThrow(
      () => new Script(`(function (exports, require, module, __filename, __dirname) {${patch.code}\n})`),
      patch.code,
    );
    assert.deepEqual(patch.report.notApplied, [], 'everything applies');
    assert.equal(patch.imports.length, expected.imports ?? 0, 'imports fetched before the version runs');
    assert.deepEqual(patch.report.added, expected.added ?? []);
  });
}

test('a function only a kept top-level statement calls (a main file’s bootstrap) says its new code waits for a restart', () => {
  const module = new LiveModule('/app/main.js');
  const before = 'async function bootstrap() {\n  return 1;\n}\nbootstrap().catch(console.error);\n';
  const first = readProgram(before);
  instrumentFunctions(first, module, 1, new Edits());
  const changed = (body: string, tail = ''): string[] =>
    buildPatch(digestOf(first), readProgram(before.replace('return 1;', body) + tail), module, 2).report.notApplied;
  assert.match(changed('return 2;').join('\n'), /bootstrap \(line 1\) ran once, at startup: only line 4 calls it/);
  // Held elsewhere too (exported, or called from a handler): its new body will run, nothing to say.
  assert.deepEqual(changed('return 2;', 'exports.bootstrap = bootstrap;\n'), []);
  // tsx (esbuild's keepNames) names it with `__name(bootstrap, "bootstrap")`: that is no use of it.
  const named = 'async function bootstrap() {\n  return 1;\n}\n__name(bootstrap, "bootstrap");\nbootstrap();\n';
  const tsxFirst = readProgram(named);
  instrumentFunctions(tsxFirst, module, 1, new Edits());
  const tsxPatch = buildPatch(digestOf(tsxFirst), readProgram(named.replace('return 1;', 'return 2;')), module, 2);
  assert.match(
    tsxPatch.report.notApplied.join('\n'),
    /bootstrap \(line 1\) ran once, at startup: only line 5 calls it/,
  );
  assert.deepEqual(changed('return 2;', 'setInterval(() => bootstrap(), 1000);\n'), []);
  // An ES module's exported function, seeded at its top level: its importers call it later.
  const esmBefore = 'export function add(x) {\n  return x;\n}\nadd(1);\n';
  const esm = readProgram(esmBefore, undefined, 'esm');
  const esmModule = new LiveModule('/app/store.mjs');
  instrumentFunctions(esm, esmModule, 1, new Edits());
  const patched = buildPatch(
    digestOf(esm),
    readProgram(esmBefore.replace('return x;', 'return x + 1;'), undefined, 'esm'),
    esmModule,
    2,
  );
  assert.deepEqual(patched.report.notApplied, []);
});

test('a function esbuild\'s keepNames wraps (tsx: `__name(() => …, "hit")`) is placed and named as without the wrapper', () => {
  const plain = 'let hits = 0;\nconst hit = () => ++hits;\nexports.hit = hit;\n';
  const named = 'let hits = 0;\nconst hit = /* @__PURE__ */ __name(() => ++hits, "hit");\nexports.hit = hit;\n';
  const [plainKey] = readProgram(plain).functions.map((f) => f.key);
  const [namedKey] = readProgram(named).functions.map((f) => f.key);
  assert.equal(namedKey, plainKey);
  assert.equal(labelOf(namedKey!), 'hit');
  // A load's report says the new code is in `hit`, not in `__name("hit")`.
  const patch = patchAfter(new LiveModule('/app/store.js'), named)(named.replace('++hits', '(hits += 2)'));
  assert.deepEqual(patch.report.functions, ['hit']);
  // In a class field, as tsx writes an arrow there: named by its class and field.
  const field = 'class Posts {\n  list = /* @__PURE__ */ __name(async (req, res) => res.json([]), "list");\n}\n';
  assert.equal(labelOf(readProgram(field).functions[0]!.key), 'Posts.list');
  // Another call of that name with other arguments places its functions as any call does.
  const other = readProgram('const h = __name(() => 1, "h", true);\n').functions[0]!.key;
  assert.notEqual(labelOf(other), 'h');
});

test('a decorated class as esbuild writes it (`let C = class {…}`): a new decorated method is said, not run; its decorators are handed over for a framework that maps the class again', () => {
  const module = new LiveModule('/app/routes.ts');
  const before =
    'let Routes = class {\n  a() { return 1; }\n};\n__decorateClass([Route("a")], Routes.prototype, "a", 1);\n' +
    'Routes = __decorateClass([Controller("x")], Routes);\n';
  const after = before
    .replace('a() { return 1; }', 'a() { return 1; }\n  b() { return 2; }')
    .replace(
      'Routes = __decorateClass',
      '__decorateClass([Route("b")], Routes.prototype, "b", 1);\nRoutes = __decorateClass',
    );
  const first = readProgram(before);
  instrumentFunctions(first, module, 1, new Edits());
  const patch = buildPatch(digestOf(first), readProgram(after), module, 2);
  assert.match(patch.report.notApplied.join('\n'), /Routes/);
  const [evaluated, handedOver] = patch.code.split('__hotpatch$.redecorate(');
  assert.doesNotMatch(evaluated!, /Route\("b"\)/, 'the decorator is not run against the running class');
  assert.match(handedOver!, /__decorateClass\(\[Route\("b"\)\], __hotpatch\$\.s\.Routes\.prototype, "b", 1\)/);
});

test("a field whose decorators are all class-validator's runs them again after clearing its rules; any other library's decorator, or a field whose rules are gone, asks for a restart", () => {
  const dto = (ageRules: string, extra = '') =>
    [
      'const class_validator_1 = require("class-validator");',
      'const swagger_1 = require("@nestjs/swagger");',
      'class CreateCatDto {}',
      'exports.CreateCatDto = CreateCatDto;',
      `__decorate([(0, class_validator_1.IsString)(), __metadata("design:type", String)], CreateCatDto.prototype, "name", void 0);`,
      `__decorate([${ageRules}, __metadata("design:type", Number)], CreateCatDto.prototype, "age", void 0);`,
      extra,
    ].join('\n');
  const before = dto('(0, class_validator_1.IsInt)(), (0, class_validator_1.Max)(30)');
  const loadAfter = patchAfter(new LiveModule('/app/create-cat.dto.js'), before);

  const changed = loadAfter(dto('(0, class_validator_1.IsInt)(), (0, class_validator_1.Max)(40)'));
  assert.deepEqual(changed.report.notApplied, []);
  assert.deepEqual(changed.report.ran, ['line 6: the validation rules of CreateCatDto.age']);
  assert.match(
    changed.code,
    /__hotpatch\$\.clearValidation\(__hotpatch\$\.s\.CreateCatDto\.prototype,"age"\);__decorate\(\[.*Max\)\(40\)/,
  );
  assert.doesNotMatch(changed.code, /"name"/, 'the unchanged field is left alone');

  // An ES module importing the decorators by name, as esbuild writes it for tsx.
  const esm = (max: number) =>
    `import { Max } from "class-validator";\nexport class Dto {}\n__decorateClass([Max(${max})], Dto.prototype, "age", 2);\n`;
  const esmPatch = patchAfter(new LiveModule('/app/dto.mjs'), esm(30), 'esm')(esm(40));
  assert.deepEqual(esmPatch.report.ran, ['line 3: the validation rules of Dto.age']);

  // Swagger reads its decorators once, when it builds the document: not in place.
  const mixed = loadAfter(dto('(0, class_validator_1.IsInt)(), (0, swagger_1.ApiProperty)({ maximum: 40 })'));
  assert.match(mixed.report.notApplied.join('\n'), /CreateCatDto \(line 6\): its decorators changed/);
  assert.doesNotMatch(mixed.code, /clearValidation/);

  // The name field's rules gone while age's change: class-validator would keep name's.
  const removed = loadAfter(
    dto('(0, class_validator_1.IsInt)(), (0, class_validator_1.Max)(40)').replace(
      '__decorate([(0, class_validator_1.IsString)(), __metadata("design:type", String)], CreateCatDto.prototype, "name", void 0);',
      '',
    ),
  );
  assert.match(
    removed.report.notApplied.join('\n'),
    /CreateCatDto\.name \(line 5\): its validation rules were removed/,
  );
});

test('a router factory (registers on a local it returns) that registers a new route says the route waits for it to run again; iterating a local array does not', () => {
  const module = new LiveModule('/app/routes.js');
  const before =
    'function makeRoutes(repo) {\n  const router = express.Router();\n  router.get("/", (req, res) => res.json(repo.all()));\n  return router;\n}\nmodule.exports = { makeRoutes };\n';
  const notApplied = notAppliedAfter(module, before);
  const withRoute = before.replace(
    '  return router;',
    '  router.get("/stats", (req, res) => res.json({ total: repo.all().length }));\n  return router;',
  );
  assert.match(
    notApplied(withRoute).join('\n'),
    /makeRoutes \(line 1\) registers something new \(router\.get\("\/stats"/,
  );
  // A changed handler body of a route it registered before is live: nothing to say.
  assert.deepEqual(notApplied(before.replace('res.json(repo.all())', 'res.json({ all: repo.all() })')), []);
  // A local that is not returned (an array walked with forEach) registers nothing.
  const walking = before.replace(
    '  return router;',
    '  const seen = [];\n  seen.forEach((item) => console.log(item));\n  return router;',
  );
  assert.deepEqual(notApplied(walking), []);
});

test("a class's changed method decorators hand over what runs all of them again on the running class; a changed class decorator does not", () => {
  const module = new LiveModule('/app/cats.controller.js');
  const method = (name: string, decorator: string): string =>
    `__decorate([${decorator}, __metadata("design:type", Function)], CatsController.prototype, "${name}", null);\n`;
  const before =
    'const common_1 = require("@nestjs/common");\n' +
    'let CatsController = class CatsController {\n  findAll() { return []; }\n  findOne(name) { return name; }\n};\n' +
    method('findAll', '(0, common_1.Get)()') +
    method('findOne', "(0, common_1.Get)(':name')") +
    "CatsController = __decorate([(0, common_1.Controller)('cats')], CatsController);\nexports.CatsController = CatsController;\n";
  const load = patchAfter(module, before);

  const moved = load(before.replace("Get)(':name')", "Get)(':id')"));
  assert.match(moved.report.notApplied.join('\n'), /CatsController \(line 7\): its decorators changed/);
  const handed =
    /redecorate\("CatsController",\["CatsController \(line 7\)[^"]*"\],\(\)=>__hotpatch\$\.s\.CatsController,\(\)=>\{(.*)\}\);/s.exec(
      moved.code,
    );
  assert.ok(handed, moved.code);
  assert.match(
    handed[1]!,
    /"findAll"/,
    'the unchanged method decorators run again too: the running class has new method objects',
  );
  assert.match(handed[1]!, /Get\)\(':id'\)/);

  const renamed = load(before.replace("Controller)('cats')", "Controller)('felines')"));
  assert.match(renamed.report.notApplied.join('\n'), /CatsController \(line 8\): its decorators changed/);
  assert.doesNotMatch(renamed.code, /redecorate\(/);
});

test('a router factory that passes a function by name (a middleware of its module, an imported handler) registers it; a call that passes data by name does not', () => {
  const module = new LiveModule('/app/routes.js');
  const before =
    'const { remove } = require("./handlers");\nfunction stamp(req, res, next) { next(); }\nfunction makeRoutes(repo, cache) {\n  const router = express.Router();\n  router.get("/", (req, res) => res.json(repo.all()));\n  return router;\n}\nmodule.exports = { makeRoutes };\n';
  const notApplied = (after: string): string => notAppliedAfter(module, before)(after).join('\n');
  const added = (statement: string): string =>
    notApplied(before.replace('  return router;', `  ${statement}\n  return router;`));
  assert.match(added('router.use(stamp);'), /makeRoutes \(line 3\) registers something new \(router\.use\(stamp\)\)/);
  assert.match(
    added('router.delete("/:id", remove);'),
    /registers something new \(router\.delete\("\/:id", remove\)\)/,
  );
  // Data by name: a cache entry deleted, a value read.
  assert.equal(added('cache.delete(repo);'), '');
  assert.equal(added('cache.get(repo);'), '');
});

test('a router factory that no longer registers a route says the route stays until it runs again, with both changes when it also gains one', () => {
  const module = new LiveModule('/app/routes.js');
  const before =
    'function makeRoutes(repo) {\n  const router = express.Router();\n  router.get("/", (req, res) => res.json(repo.all()));\n  router.get("/stats", (req, res) => res.json({ total: 1 }));\n  return router;\n}\nmodule.exports = { makeRoutes };\n';
  const notApplied = notAppliedAfter(module, before);
  const withoutStats = before.replace('  router.get("/stats", (req, res) => res.json({ total: 1 }));\n', '');
  assert.match(
    notApplied(withoutStats).join('\n'),
    /makeRoutes \(line 1\) no longer registers router\.get\("\/stats".*restart to apply it/,
  );
  const moved = before.replace('"/stats"', '"/count"');
  assert.match(
    notApplied(moved).join('\n'),
    /makeRoutes \(line 1\) registers something new \(router\.get\("\/count".*\) and no longer registers router\.get\("\/stats"/,
  );
});

test('a plugin that hands an object of methods to its instance (fastify.decorate) and gives it a new method says the method waits for the plugin to run again; a new body for a method is live', () => {
  const module = new LiveModule('/app/plugins/tasks.js');
  const before = [
    'module.exports = fp(async function tasks(fastify) {',
    '  const list = [];',
    '  fastify.decorate("tasks", {',
    '    add(title) { list.push(title); return list.length; },',
    '    all() { return list; },',
    '  });',
    '});',
    '',
  ].join('\n');
  const loaded = notAppliedAfter(module, before);
  const notApplied = (after: string): string => loaded(after).join('\n');
  assert.match(
    notApplied(before.replace('    all() {', '    count() { return list.length; },\n    all() {')),
    /fp\(\) \(line 1\) registers something new \(fastify\.decorate\("tasks"/,
  );
  assert.equal(notApplied(before.replace('return list.length; }', 'return list.length * 1; }')), '');
  // Data handed over is not code: an object of plain values registers nothing.
  const config = readProgram(
    'module.exports = fp(async (fastify) => {\n  fastify.decorate("config", { limit: 10 });\n});\n',
  );
  assert.deepEqual(config.functions[0]!.setup, []);
});

test('a variable with a new value read once at startup (a kept statement, a plugin’s route options) is named; read in a handler or exported again, it is not', () => {
  const module = new LiveModule('/app/todos.js');
  const before = [
    'const schema = { type: "object" };',
    'const PORT = 3000;',
    'const LABEL = "todo";',
    'async function plugin(app) {',
    '  app.get("/", { schema: { response: { 200: schema } } }, async () => LABEL);',
    '}',
    'server.listen(PORT);',
    'module.exports = { plugin, schema, LABEL };',
    '',
  ].join('\n');
  const loaded = notAppliedAfter(module, before);
  const notApplied = (after: string): string => loaded(after).join('\n');
  assert.match(
    notApplied(before.replace('{ type: "object" }', '{ type: "object", required: ["title"] }')),
    /^schema has a new value, but line 5 \(app\.get\("\/", \{ schema: .*\) read it once, at startup, and keeps the old one/,
  );
  assert.match(
    notApplied(before.replace('3000', '3001')),
    /^PORT has a new value, but line 7 \(server\.listen\(PORT\)\) read it once/,
  );
  // Read by a handler at each request, and exported (the patch exports it again): nothing to say.
  assert.equal(notApplied(before.replace('"todo"', '"task"')), '');
  // Stored into (`entry.timer = …`), the old value is written to, not read for its value.
  const storing = 'const entry = { vsn: "1" };\nentry.timer = setInterval(() => entry.vsn, 5);\n';
  const stored = readProgram(storing);
  const storingModule = new LiveModule('/app/ticker.js');
  instrumentFunctions(stored, storingModule, 1, new Edits());
  const storedPatch = buildPatch(digestOf(stored), readProgram(storing.replace('"1"', '"2"')), storingModule, 2);
  assert.deepEqual(storedPatch.report.notApplied, []);
  // An ES module's export list is a live binding, not a read.
  const esmBefore = 'const vsn = "1";\nfunction greet() { return vsn; }\nexport { greet, vsn };\n';
  const esm = readProgram(esmBefore, undefined, 'esm');
  const esmModule = new LiveModule('/app/greeting.mjs');
  instrumentFunctions(esm, esmModule, 1, new Edits());
  const esmPatch = buildPatch(
    digestOf(esm),
    readProgram(esmBefore.replace('"1"', '"2"'), undefined, 'esm'),
    esmModule,
    2,
  );
  assert.deepEqual(esmPatch.report.notApplied, []);
});

test('a controller method that registers a new route on its instance’s router (this.router.get) says the route waits for it to run again', () => {
  const module = new LiveModule('/app/posts.controller.js');
  const before = [
    'class PostsController {',
    '  constructor() {',
    '    this.router = express.Router();',
    '    this.posts = [];',
    '    this.getAllPosts = (req, res) => { res.json(this.posts); };',
    '    this.initializeRoutes();',
    '  }',
    '  initializeRoutes() {',
    '    this.router.get("/posts", this.getAllPosts);',
    '  }',
    '  record() {',
    '    this.history.push(this.posts);',
    '  }',
    '}',
    'exports.PostsController = PostsController;',
    '',
  ].join('\n');
  const loaded = notAppliedAfter(module, before);
  const notApplied = (after: string): string => loaded(after).join('\n');
  const withRoute = before.replace(
    '    this.router.get("/posts", this.getAllPosts);',
    '    this.router.get("/posts", this.getAllPosts);\n    this.router.get("/posts-count", (req, res) => res.json(this.posts.length));',
  );
  assert.match(
    notApplied(withRoute),
    /initializeRoutes \(line 8\) registers something new \(this\.router\.get\("\/posts-count"/,
  );
  // A new body for the handler it registered: live, nothing to say.
  assert.equal(notApplied(before.replace('res.json(this.posts);', 'res.json({ posts: this.posts });')), '');
  // A new handler of the instance passed along counts; data pushed onto a field does not.
  assert.match(
    notApplied(
      before.replace('this.getAllPosts);', 'this.getAllPosts);\n    this.router.get("/all", this.getAllPosts);'),
    ),
    /initializeRoutes \(line 8\) registers something new/,
  );
  assert.equal(
    notApplied(
      before.replace(
        'this.history.push(this.posts);',
        'this.history.push(this.posts);\n    this.history.push(this.posts.length);',
      ),
    ),
    '',
  );
});

test("a module's guard cell: prologues read it first, a newer body raises it, and old closures forward to that body", () => {
  const module = new LiveModule('/app/guard-cell.js');
  const cells = globalThis as unknown as Record<string, number>;
  assert.equal(cells[module.cell], 0, 'a global holding 0 until a body is replaced');
  assert.ok(!Object.keys(globalThis).includes(module.cell), 'not enumerable: the app’s globals stay its own');
  const model = readProgram('function scale(a) { return a + 1; }');
  const edits = new Edits();
  instrumentFunctions(model, module, 1, edits);
  const code = edits.render(model.code, 0, model.code.length).text;
  assert.ok(code.includes(`if(${module.cell}>1&&__hotpatch$.v[0]>1)`), code);
  const scale = new Function('__hotpatch$', `${code}\nreturn scale;`)(new VersionScope(module, 1, false)) as (
    a: number,
  ) => number;
  assert.equal(scale(1), 2);
  module.replace(0, (a: number) => a * 10, 2);
  assert.equal(cells[module.cell], 2);
  assert.equal(scale(3), 30, 'the closure made at startup runs the newest body');
});

test('handlers wrapped in a call (`asyncHandler(async (req, res) => …)`) keep their keys when a route is added between two of them: no handler takes the next one’s body', () => {
  const route = (method: string, path: string, body: string): string =>
    `router.${method}(${JSON.stringify(path)}, asyncHandler(async (req, res) => { ${body} }));`;
  const before = [
    route('get', '/', 'res.json(await list());'),
    route('get', '/:id', 'res.json(await find(req.params.id));'),
    route('post', '/', 'res.status(201).json(await create(req.body));'),
    'module.exports = router;',
    '',
  ].join('\n');
  const byId = route('get', '/:id', 'res.json(await find(req.params.id));');
  const withStats = before.replace(byId, `${route('get', '/stats', 'res.json(await stats());')}\n${byId}`);
  assert.notEqual(withStats, before);
  const old = bodiesByKey(before);
  const next = bodiesByKey(withStats);
  // Every handler that was there keeps its key, with its own body under it.
  for (const [key, body] of old) assert.equal(next.get(key), body, key);
  assert.equal(next.size, old.size + 1);
  // Reports name such a handler by the call it is an argument of, and a function by its name.
  const findKey = [...next].find(([, body]) => body.includes('find(req.params.id)'))![0];
  assert.equal(labelOf(findKey), 'asyncHandler()');
  assert.equal(labelOf(readProgram('function makeRoutes() {}').functions[0]!.key), 'makeRoutes');
  // Loaded: only the new route runs; no running handler is said to have new code.
  const patch = patchAfter(new LiveModule('/app/todos.routes.js'), before)(withStats);
  assert.deepEqual(patch.report.functions, []);
  assert.equal(patch.report.ran.length, 1);
});

test('an object of methods given a new method, whose methods a kept statement registered by reference (app.get(handlers.list)), is not said to be stale: its old methods forward to the new bodies', () => {
  const before = [
    'const handlers = {',
    '  list(req, res) { res.json([]); },',
    '  create: (req, res) => res.status(201).end(),',
    '  limits: { max: 10 },',
    '};',
    "app.route('/books').get(handlers.list).post(handlers.create);",
    'app.use(limit(handlers.limits));',
    '',
  ].join('\n');
  const methodsOnly = before.replace('app.use(limit(handlers.limits));\n', '');
  const withStats = methodsOnly.replace('  limits:', '  stats(req, res) { res.json({}); },\n  limits:');
  assert.deepEqual(notAppliedAfter(new LiveModule('/app/books.js'), methodsOnly)(withStats), []);
  // A part that is data, read at startup, is named.
  assert.match(
    notAppliedAfter(new LiveModule('/app/books.js'), before)(before.replace('max: 10', 'max: 20')).join('\n'),
    /^handlers has a new value, but line 7 \(app\.use\(limit\(handlers\.limits\)\)\) read it once/,
  );
});

test('route configs in an array (hapi: `{ method, path, options: { handler } }`) keep their handlers’ keys when one is added before another: placed by their literal properties, not their index', () => {
  const config = (method: string, path: string, body: string): string =>
    `  { method: ${JSON.stringify(method)}, path: ${JSON.stringify(path)}, options: { handler: (request, h) => { ${body} } } },`;
  const before = [
    'module.exports = [',
    config('GET', '/books', 'return books;'),
    config('POST', '/books', 'books.push(request.payload); return h.response().code(201);'),
    '];',
    '',
  ].join('\n');
  const post = config('POST', '/books', 'books.push(request.payload); return h.response().code(201);');
  const withCount = before.replace(
    post,
    `${config('GET', '/books-count', 'return { count: books.length };')}\n${post}`,
  );
  assert.notEqual(withCount, before);
  const old = bodiesByKey(before);
  const next = bodiesByKey(withCount);
  for (const [key, body] of old) assert.equal(next.get(key), body, key);
  assert.equal(next.size, old.size + 1);
  const postKey = [...next].find(([, body]) => body.includes('books.push'))![0];
  assert.equal(labelOf(postKey), `handler of {method:"POST",path:"/books"}`);
  // Loaded: no running handler is said to have new code (the POST handler keeps its own body).
  const patch = patchAfter(new LiveModule('/app/routes/books.js'), before)(withCount);
  assert.deepEqual(patch.report.functions, []);
});

test('routes added one call each (hapi: `server.route({ method, path, handler })` in a plugin) keep their handlers’ keys when one is added between two', () => {
  const route = (method: string, path: string, body: string): string =>
    `  server.route({ method: ${JSON.stringify(method)}, path: ${JSON.stringify(path)}, handler: (request, h) => { ${body} } });`;
  const post = route('POST', '/notes', 'notes.push(request.payload); return h.response().code(201);');
  const before = [
    'exports.plugin = { name: "notes", register: async (server) => {',
    '  const notes = [];',
    route('GET', '/notes', 'return notes;'),
    post,
    '} };',
    '',
  ].join('\n');
  const withCount = before.replace(post, `${route('GET', '/notes-count', 'return { count: notes.length };')}\n${post}`);
  const old = bodiesByKey(before);
  const next = bodiesByKey(withCount);
  // Every handler keeps its key, with its own body under it (the plugin's function is the one edited).
  for (const [key, body] of old) if (!body.includes('server.route(')) assert.equal(next.get(key), body, key);
  assert.equal(next.size, old.size + 1);
  const postKey = [...next].find(([, body]) => body.startsWith('(request, h) => { notes.push'))![0];
  assert.equal(labelOf(postKey), `handler of {method:"POST",path:"/notes"}`);
});

test("an export added to a file esbuild compiled (tsx): the report names the export, not esbuild's statements that made it", async () => {
  const { transform } = await import('esbuild');
  const compile = async (source: string): Promise<string> =>
    (await transform(source, { loader: 'ts', format: 'cjs', platform: 'node' })).code;
  const before = await compile('export class AppError extends Error {\n  status = 500;\n}\n');
  const after = await compile(
    'export class AppError extends Error {\n  status = 500;\n}\n\nexport class ConflictError extends AppError {\n  status = 409;\n}\n',
  );
  assert.match(after, /__export\(/, 'the statements this is about');
  const { report } = patchAfter(new LiveModule('/app/errors.ts'), before)(after);
  assert.deepEqual(report.added, ['ConflictError']);
  assert.deepEqual(
    report.ran.filter((ran) => /__export|__toCommonJS/.test(ran)),
    [],
    `esbuild's statements are not reported as run: ${report.ran.join('; ')}`,
  );
});

test('a function in a table of routes is named by the call and the elements next to it, not by the other routes', () => {
  const code = `const routes = new Map([
  ['/greet', (url) => greet(url.searchParams.get('name') ?? 'world')],
  ['/hits', () => String(hit())],
]);
app.get('/x', [auth, (req, res) => res.end('x')]);
`;
  const labels = readProgram(code).functions.map((f) => labelOf(f.key));
  assert.deepEqual(labels, ["Map(…): ['/greet', …]", "Map(…): ['/hits', …]", "app.get('/x',…): [auth, …]"]);
});

test("a function called where it is written is its statement's code: tsc's enum runs again, and says what it cannot take back", () => {
  const before =
    'var Color;\n(function (Color) {\n    Color["Red"] = "red";\n    Color[Color["Up"] = 0] = "Up";\n})(Color || (exports.Color = Color = {}));\n';
  const load = patchAfter(new LiveModule('/app/dist/color.js'), before);
  const added = load(before.replace('Color["Red"] = "red";', 'Color["Red"] = "red";\n    Color["Blue"] = "blue";'));
  assert.deepEqual(added.report.notApplied, [], 'every member the running enum has is set again');
  assert.match(added.report.ran.join('\n'), /line 2: \(function\(Color\)/);
  const renumbered = load(before.replace('Color["Up"] = 0', 'Color["Up"] = 5'));
  assert.match(
    renumbered.report.notApplied.join('\n'),
    /the statement at line 2 .* cannot be undone in place/,
    'the reverse mapping of 0 stays',
  );
  const removed = load(before.replace('    Color["Red"] = "red";\n', ''));
  assert.match(
    removed.report.notApplied.join('\n'),
    /the statement at line 2 .* cannot be undone in place/,
    'Red stays',
  );
  // Any other function run where it is written: a change to it is a change of its statement, not new code for later calls.
  const main = '(async () => {\n  app.get("/a", handler);\n})();\n';
  const mainLoad = patchAfter(new LiveModule('/app/main.js'), main);
  const newRoute = mainLoad(
    main.replace('app.get("/a", handler);', 'app.get("/a", handler);\n  app.get("/b", handler);'),
  );
  assert.match(newRoute.report.ran.join('\n'), /line 1: \(async/);
});
