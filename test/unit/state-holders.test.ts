/**
 * State holders (issue 10 item 3): module variables and class instance fields whose types are
 * data, their shapes, and the codeChange stubs for them, which must type-check and convert.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import ts from 'typescript';
import {
  StateTypeAnalyzer,
  applyEdits,
  TypeDependents,
  exportsTypeSources,
  isTypeOnlySource,
  oldVersionFileName,
  typeDependents,
  type HolderStateInfo,
} from '../../extension/src/engine/state-types/index';
import { repoRoot } from '../helpers/paths';
import { typeErrors } from '../helpers/state-types';

/** In memory only, but inside the repository: `@nestjs/common` and `express` resolve from here. */
const app = join(repoRoot, 'test', '.virtual-holders', 'src');
const analyzer = new StateTypeAnalyzer();
after(() => analyzer.dispose());

const catV1 = 'export interface Cat {\n  name: string;\n  age: number;\n}\n';
const catV2 = 'export interface Cat {\n  name: string;\n  age: number;\n  color: string;\n}\n';

function fieldsOf(holders: HolderStateInfo[]): Record<string, string[]> {
  return Object.fromEntries(holders.map((h) => [h.key, h.fields.map((f) => `${f.name}: ${f.canonical}`)]));
}

describe('state holders of a module', () => {
  test('module variables: data only (no functions, classes, requires, primitive or frozen constants, tables of functions, library values)', () => {
    const file = `${app}/todos.ts`;
    const holders = analyzer.analyzeHolders(
      file,
      `import express from 'express';
import { Logger } from '@nestjs/common';
const fs = require('node:fs');
export const vsn = '3';
const PORT = 3000;
interface Todo { id: number; title: string }
const todos: Todo[] = [];
let count = 0;
var byId = new Map<number, Todo>();
let seen = new Set<string>(), started = new Date();
const settings = { theme: 'dark' as 'dark' | 'light' };
const app = express();
const logger = new Logger('todos');
const add = (title: string) => todos.push({ id: ++count, title });
const ready: Promise<void> = Promise.resolve();
const routes = new Map<string, () => string>();
const todoSchema = { type: 'object', properties: { title: { type: 'string' } } } as const;
const LIMITS = Object.freeze({ titleLength: 80 });
function list() { return todos; }
class Store {}
const handlers = { 'GET /todos': list, 'POST /todos': add, 'GET /health': () => 'ok', Store };
const mixed = { run: list, runs: 0 };
declare const injected: string[];
export { fs, app, logger, add, ready, routes, list, Store, injected, PORT, todoSchema, LIMITS, handlers, mixed };
`,
    );
    assert.deepEqual(fieldsOf(holders), {
      module: [
        'todos: { id: number; title: string }[]',
        'count: number',
        'byId: Map<number, { id: number; title: string }>',
        'seen: Set<string>',
        'started: Date',
        "settings: { theme: 'dark' | 'light' }",
        'mixed: { run: unknown; runs: number }',
      ],
    });
    const [module] = holders;
    assert.equal(module!.typeName, 'module variables of todos.ts');
    assert.equal(module!.hasCodeChange, false);
    assert.equal(module!.fields[0]!.typeName, 'Todo[]');
    assert.deepEqual(module!.range.start, { line: 6, character: 6 });
  });

  test('class instances: own data fields, #private ones included (not statics, methods, accessors, DI parameters, library values, readonly frozen values)', () => {
    const file = `${app}/cats.service.ts`;
    analyzer.setDocument(`${app}/cat.interface.ts`, catV1);
    const holders = analyzer.analyzeHolders(
      file,
      `import { Injectable, Logger } from '@nestjs/common';
import type { Cat } from './cat.interface';
class EventsService {}
@Injectable()
export class CatsService {
  private readonly cats: Cat[] = [];
  protected cache = new Map<string, Cat>();
  public lastName?: string;
  static instances = 0;
  #secret = 1;
  private readonly logger = new Logger(CatsService.name);
  private readonly schema = { type: 'object', required: ['name'] } as const;
  onChange = (cat: Cat) => cat;
  constructor(private readonly events: EventsService) {}
  get size() { return this.cats.length; }
  findAll(): Cat[] { return this.cats; }
}
export class Empty { method() {} }
`,
    );
    assert.deepEqual(fieldsOf(holders), {
      'class:CatsService': [
        'cats: { age: number; name: string }[]',
        'cache: Map<string, { age: number; name: string }>',
        'lastName: string | undefined',
        '#secret: number',
      ],
    });
    assert.equal(holders[0]!.typeName, 'CatsService');
    assert.deepEqual(holders[0]!.range.start, { line: 4, character: 13 });
  });

  test('codeChange: an exported function for variables, a static method for instances', () => {
    const file = `${app}/with-migrations.ts`;
    const holders = analyzer.analyzeHolders(
      file,
      `let items: string[] = [];
export function codeChange(_from: unknown, _old: unknown) { return {}; }
export class A { list: number[] = []; static codeChange() { return {}; } }
export class B { list: number[] = []; codeChange() { return {}; } }
`,
    );
    assert.deepEqual(
      holders.map((h) => [h.key, h.hasCodeChange]),
      [
        ['module', true],
        ['class:A', true],
        ['class:B', false],
      ],
    );
  });

  test('an interface in another file is followed: its change changes the holder', () => {
    const file = `${app}/cats-follow.ts`;
    const text = `import type { Cat } from './cat.interface';\nexport class Cats { cats: Cat[] = []; }\n`;
    analyzer.setDocument(`${app}/cat.interface.ts`, catV1);
    const before = analyzer.analyzeHolders(file, text)[0]!;
    analyzer.setDocument(`${app}/cat.interface.ts`, catV2);
    const afterChange = analyzer.analyzeHolders(file, text)[0]!;
    assert.notEqual(before.hash, afterChange.hash);
    assert.equal(afterChange.fields[0]!.canonical, '{ age: number; color: string; name: string }[]');
  });
});

/** The stub written into `newText` for the holder `key`, which must type-check. */
function stubbed(file: string, key: string, oldText: string, newText: string, files: Record<string, string>): string {
  analyzer.setDocument(`${app}/cat.interface.ts`, catV1);
  const old = analyzer.analyzeHolders(oldVersionFileName(file, 3), oldText).find((h) => h.key === key)!;
  analyzer.setDocument(`${app}/cat.interface.ts`, catV2);
  const edits = analyzer.holderStubEdits(file, newText, { info: old, vsn: '3', n: 3 });
  assert.ok(edits.length > 0, 'edits');
  const text = applyEdits(newText, edits);
  assert.deepEqual(typeErrors({ ...files, [file]: text }, file), [], text);
  const written = analyzer.analyzeHolders(file, text).find((h) => h.key === key)!;
  assert.equal(written.hasCodeChange, true, text);
  assert.deepEqual(analyzer.holderStubEdits(file, text, { info: old, vsn: '3', n: 3 }), [], 'no second codeChange');
  return text;
}

/** Runs a module's text as CommonJS and returns its exports. */
function evaluate(file: string, text: string): Record<string, unknown> {
  const { outputText } = ts.transpileModule(text, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    fileName: file,
  });
  const exports: Record<string, unknown> = {};
  new Function('exports', 'require', outputText)(exports, () => ({}));
  return exports;
}

type CodeChange = (from: string | { down: string }, old: unknown) => Record<string, unknown>;

describe('codeChange stubs for holders', () => {
  const files = { [`${app}/cat.interface.ts`]: catV2 };

  test('a class field whose element type gained a field: elements converted, a default for the new one', () => {
    const file = `${app}/cats.service.ts`;
    const service = (extra: string) => `import type { Cat } from './cat.interface';

/** Holds the cats. */
export class CatsService {
  private readonly cats: Cat[] = [];
  private visits = 0;
${extra}
  create(cat: Cat): void {
    this.cats.push(cat);
  }
}
`;
    const text = stubbed(file, 'class:CatsService', service(''), service(''), files);
    assert.match(text, /type CatsServiceV3 = \{\n {2}cats: \{\n {4}name: string;/);
    assert.match(
      text,
      /\n {2}static codeChange\(from: string \| \{ down: string \}, old: unknown\): \{ cats\?: CatsService\['cats'\] \} \{/,
    );
    const { CatsService } = evaluate(file, text) as { CatsService: { codeChange: CodeChange } };
    const converted = CatsService.codeChange('3', { cats: [{ name: 'Tom', age: 3 }], visits: 2 });
    assert.deepEqual(converted, { cats: [{ name: 'Tom', age: 3, color: '' }] });
    assert.deepEqual(CatsService.codeChange('2', { cats: [] }), {}, 'other versions: nothing converted');
    assert.throws(() => CatsService.codeChange({ down: '3' }, { cats: [] }), /no conversion back to v3/);
  });

  test('a map of class instances whose class gained a field: each instance keeps its class, the field added', () => {
    const file = `${app}/orders.ts`;
    const orders = (fields: string, summary: string) => `export class Order {
  status: 'placed' | 'shipped' = 'placed';
${fields}
  constructor(readonly id: string) {}

  summary(): string {
    return ${summary};
  }
}

export class OrdersRepository {
  private readonly orders = new Map<string, Order>();

  save(order: Order): void {
    this.orders.set(order.id, order);
  }
}
`;
    const text = stubbed(
      file,
      'class:OrdersRepository',
      orders('', '`${this.id}: ${this.status}`'),
      orders('  notes: string[] = [];\n', '`${this.id}: ${this.status} (${this.notes.length} notes)`'),
      {},
    );
    assert.match(text, /Object\.assign\(\(item as Order\), \{\n\s+notes: \[\], \/\/ new\n\s+\}\)/);
    const { Order, OrdersRepository } = evaluate(file, text) as {
      Order: new (id: string) => { notes?: string[]; summary(): string };
      OrdersRepository: { codeChange: CodeChange };
    };
    // An order made by the running version: no notes, and a field its class does not declare
    // (as @nestjs/cqrs's EventPublisher sets `publish` on an aggregate).
    const running = Object.assign(new Order('o1'), { publish: 'set by a library' });
    delete running.notes;
    const converted = OrdersRepository.codeChange('3', { orders: new Map([['o1', running]]) });
    const order = (converted.orders as Map<string, typeof running>).get('o1')!;
    assert.ok(order instanceof Order, 'still an Order');
    assert.equal(order.summary(), 'o1: placed (0 notes)', 'its methods work on the converted fields');
    assert.equal(order.publish, 'set by a library', 'the fields no type names are kept');
  });

  test('module variables: only the changed ones returned, typed with typeof', () => {
    const file = `${app}/todos-store.ts`;
    const store = (todo: string) => `export interface Todo {
${todo}
}

export const todos: Todo[] = [];
let nextId = 1;
const index = new Map<number, Todo>();

export function add(title: string): Todo {
  const todo = { id: nextId++, title, done: false } as Todo;
  todos.push(todo);
  index.set(todo.id, todo);
  return todo;
}
`;
    const text = stubbed(
      file,
      'module',
      store('  id: number;\n  title: string;'),
      store('  id: number;\n  title: string;\n  done: boolean;\n  tags: string[];'),
      {},
    );
    assert.match(text, /type VariablesV3 = \{\n {2}todos: /);
    assert.match(
      text,
      /export function codeChange\(from: string \| \{ down: string \}, old: unknown\): \{ todos\?: typeof todos; index\?: typeof index \}/,
    );
    const { codeChange } = evaluate(file, text) as { codeChange: CodeChange };
    const old = { todos: [{ id: 1, title: 'milk' }], nextId: 2, index: new Map([[1, { id: 1, title: 'milk' }]]) };
    assert.deepEqual(codeChange('3', old), {
      todos: [{ id: 1, title: 'milk', done: false, tags: [] }],
      index: new Map([[1, { id: 1, title: 'milk', done: false, tags: [] }]]),
    });
  });

  test('what cannot be inferred is a TODO that type-checks and throws when run', () => {
    const file = `${app}/scores.ts`;
    const text = stubbed(
      file,
      'module',
      'let scores: string[] = [];\nexport {};\n',
      'let scores: number[] = [];\nexport { scores };\n',
      {},
    );
    assert.match(text, /\/\/ TODO: scores was string\[\], now number\[\]/);
    const { codeChange } = evaluate(file, text) as { codeChange: CodeChange };
    assert.throws(() => codeChange('3', { scores: ['1'] }), /codeChange from v3: convert scores/);
  });
});

test('module variables of a JavaScript file (CommonJS): the same stub in JavaScript, its types in JSDoc', () => {
  const file = `${app}/cache.js`;
  const cache = (counts: string, counting: string) => `const counts = ${counts};
let lastKey = '';

function remember(key, stored) {
  counts.hits++;
  lastKey = key;${counting}
}

module.exports = { remember, counts };
`;
  const old = analyzer
    .analyzeHolders(oldVersionFileName(file, 3), cache('{ hits: 0, misses: 0 }', ''))
    .find((h) => h.key === 'module')!;
  const newText = cache('{ hits: 0, misses: 0, sets: 0 }', '\n  if (stored) counts.sets++;');
  const text = applyEdits(newText, analyzer.holderStubEdits(file, newText, { info: old, vsn: '3', n: 3 }));
  // No TypeScript syntax: the file stays JavaScript, which its own checks (checkJs) accept.
  assert.deepEqual(
    typeErrors({ [file]: text }, file, { allowJs: true, checkJs: true, noImplicitAny: false }),
    [],
    text,
  );
  assert.doesNotMatch(text, /\btype VariablesV3 =|export function|: unknown| as /, text);
  assert.match(text, /@typedef \{\{\n \* {3}counts: \{/, text);
  assert.match(text, /\nfunction codeChange\(from, old\) \{/);
  assert.equal(analyzer.analyzeHolders(file, text)[0]!.hasCodeChange, true, 'a second save asks for none');
  const codeChange = new Function('module', `${text}\nreturn codeChange;`)({ exports: {} }) as CodeChange;
  assert.deepEqual(codeChange('3', { counts: { hits: 2, misses: 1 }, lastKey: 'a' }), {
    counts: { hits: 2, misses: 1, sets: 0 },
  });
});

test("a JavaScript file's JSDoc types are its state types (TypeScript files' JSDoc is not read)", () => {
  const file = `${app}/counts.js`;
  const counts = (type: string) =>
    `/** @type {${type}} */\nlet counts = JSON.parse(process.env.COUNTS || '{}');\nmodule.exports = { counts };\n`;
  const fields = (text: string) => fieldsOf(analyzer.analyzeHolders(file, text));
  assert.deepEqual(fields(counts('{ hits: number }')), { module: ['counts: { hits: number }'] });
  assert.deepEqual(fields(counts('{ hits: number, misses: number }')), {
    module: ['counts: { hits: number; misses: number }'],
  });
  // In TypeScript JSDoc is documentation: the type is the annotation's.
  const typed = `/** @type {{ hits: string }} */\nlet counts: { hits: number } = JSON.parse('{}');\nexport { counts };\n`;
  assert.deepEqual(fieldsOf(analyzer.analyzeHolders(`${app}/counts-typed.ts`, typed)), {
    module: ['counts: { hits: number }'],
  });
});

test("a JavaScript class's fields: a static codeChange in JavaScript", () => {
  const file = `${app}/notes.js`;
  const notes = (note: string) => `class Notes {
  items = [${note}];

  add(text) {
    this.items.push({ text, at: 1 });
  }
}

module.exports = { Notes };
`;
  const old = analyzer
    .analyzeHolders(oldVersionFileName(file, 3), notes("{ text: 'a' }"))
    .find((h) => h.key === 'class:Notes')!;
  const newText = notes("{ text: 'a', at: 0 }");
  const text = applyEdits(newText, analyzer.holderStubEdits(file, newText, { info: old, vsn: '3', n: 3 }));
  assert.deepEqual(
    typeErrors({ [file]: text }, file, { allowJs: true, checkJs: true, noImplicitAny: false }),
    [],
    text,
  );
  assert.doesNotMatch(text, /\btype NotesV3 =|: unknown| as /, text);
  assert.match(text, /\n {2}static codeChange\(from, old\) \{/);
  const { Notes } = new Function('module', `${text}\nreturn module.exports;`)({ exports: {} }) as {
    Notes: { codeChange: CodeChange };
  };
  assert.deepEqual(Notes.codeChange('3', { items: [{ text: 'a' }] }), { items: [{ text: 'a', at: 0 }] });
});

describe('one file, two holders', () => {
  test("a class's and the module's stubs written at once type-check together", () => {
    const file = `${app}/shelf.ts`;
    const text = `import type { Cat } from './cat.interface';

export const adopted: Cat[] = [];

export class Shelter {
  cats = new Map<string, Cat>();
}
`;
    analyzer.setDocument(`${app}/cat.interface.ts`, catV1);
    const old = analyzer.analyzeHolders(oldVersionFileName(file, 1), text);
    analyzer.setDocument(`${app}/cat.interface.ts`, catV2);
    const edits = old.flatMap((info) => analyzer.holderStubEdits(file, text, { info, vsn: '1', n: 1 }));
    const written = applyEdits(text, edits);
    assert.deepEqual(typeErrors({ [`${app}/cat.interface.ts`]: catV2, [file]: written }, file), [], written);
    assert.deepEqual(
      analyzer.analyzeHolders(file, written).map((h) => [h.key, h.hasCodeChange]),
      [
        ['module', true],
        ['class:Shelter', true],
      ],
    );
    const { Shelter, codeChange } = evaluate(file, written) as {
      Shelter: { codeChange: CodeChange };
      codeChange: CodeChange;
    };
    assert.deepEqual(codeChange('1', { adopted: [{ name: 'Tom', age: 2 }] }), {
      adopted: [{ name: 'Tom', age: 2, color: '' }],
    });
    assert.deepEqual(Shelter.codeChange('1', { cats: new Map([['a', { name: 'Ada', age: 1 }]]) }), {
      cats: new Map([['a', { name: 'Ada', age: 1, color: '' }]]),
    });
  });
});

describe('type-only files and the modules importing them', () => {
  test('a file of interfaces, type aliases and type exports is type-only; a value, an enum or a side-effect import is not', () => {
    const typeOnly = (text: string) => isTypeOnlySource('/x/types.ts', text);
    assert.equal(typeOnly(catV1), true);
    assert.equal(typeOnly("import type { A } from './a';\nimport { B } from './b';\nexport type C = A | B;\n"), true);
    assert.equal(
      typeOnly("export type { A } from './a';\nexport { type B } from './b';\ndeclare const x: number;\n"),
      true,
    );
    assert.equal(typeOnly("export * from './a';\n"), false);
    assert.equal(typeOnly("import './polyfill';\nexport interface A { a: number }\n"), false);
    assert.equal(typeOnly('export enum Color { Red }\n'), false);
    assert.equal(typeOnly('export interface A { a: number }\nexport const DEFAULT: A = { a: 1 };\n'), false);
  });

  test('a file exporting a type or a value (which `typeof` names) may type the state of its importers; one exporting nothing may not', () => {
    const typesImporters = (text: string) =>
      exportsTypeSources(ts.createSourceFile('/x/todo.ts', text, ts.ScriptTarget.ES2022, false));
    // Types, as before.
    assert.equal(typesImporters('export interface Todo { id: number }\n'), true);
    assert.equal(typesImporters('export type Todo = { id: number };\n'), true);
    assert.equal(typesImporters("export type { Todo } from './todo.types';\n"), true);
    // Values a state type reaches: `ReturnType<typeof makeTodo>`, `Todo[]` of a class, an enum, `typeof DEFAULTS`.
    assert.equal(typesImporters('export function makeTodo(id: number) { return { id }; }\n'), true);
    assert.equal(typesImporters('export class Todo { id = 0; }\n'), true);
    assert.equal(typesImporters('export enum Status { Open }\n'), true);
    assert.equal(typesImporters('export const DEFAULTS = { limit: 20 };\n'), true);
    assert.equal(typesImporters('export default function makeTodo() { return { id: 1 }; }\n'), true);
    assert.equal(typesImporters('const makeTodo = () => ({ id: 1 });\nexport default makeTodo;\n'), true);
    assert.equal(typesImporters("export * from './todo.model';\n"), true);
    assert.equal(typesImporters('function makeTodo() { return { id: 1 }; }\nexport { makeTodo };\n'), true);
    assert.equal(typesImporters('const makeTodo = () => ({ id: 1 });\nexport = makeTodo;\n'), true);
    // Nothing exported: an entry, a script. Declarations alone type no other module's state.
    assert.equal(typesImporters("import { store } from './store';\nstore.add('first');\n"), false);
    assert.equal(typesImporters('declare const VERSION: string;\nconsole.log(VERSION);\n'), false);
    assert.equal(typesImporters('function local() { return 1; }\nlocal();\n'), false);
    assert.equal(typesImporters("import { store } from './store';\nstore.add('first');\nexport {};\n"), false);
  });

  test('importers are found directly and through type-only files, not through modules with code', () => {
    const files: Record<string, string> = {
      [`${app}/cat.interface.ts`]: catV1,
      [`${app}/models.ts`]: "export type { Cat } from './cat.interface';\n",
      [`${app}/direct.ts`]: "import { Cat } from './cat.interface.js';\nexport const cats: Cat[] = [];\n",
      [`${app}/through-types.ts`]: "import type { Cat } from './models';\nexport const cats: Cat[] = [];\n",
      [`${app}/service.ts`]: "export * from './cat.interface';\nexport const ready = true;\n",
      [`${app}/through-code.ts`]: "import { ready } from './service';\nexport const flags = [ready];\n",
      [`${app}/unrelated.ts`]: 'export const n = 1;\n',
    };
    const host = { readFile: (file: string) => files[file], fileExists: (file: string) => file in files };
    const candidates = ['direct.ts', 'through-types.ts', 'through-code.ts', 'unrelated.ts'].map((f) => `${app}/${f}`);
    assert.deepEqual(typeDependents(`${app}/cat.interface.ts`, candidates, host), [
      `${app}/direct.ts`,
      `${app}/through-types.ts`,
    ]);
  });

  test('importers asked again after their texts change, or after a file an import names is made', () => {
    const files: Record<string, string> = {
      [`${app}/todo.ts`]: 'export function makeTodo() { return { id: 1 }; }\n',
      [`${app}/store.ts`]:
        "import { makeTodo } from './todo';\nexport const todos: Array<ReturnType<typeof makeTodo>> = [];\n",
      [`${app}/routes.ts`]: "import { todos } from './store';\nexport const count = () => todos.length;\n",
      [`${app}/later.ts`]: "import type { Note } from './note';\nexport const notes: Note[] = [];\n",
    };
    const reads: string[] = [];
    const host = {
      readFile: (file: string) => (reads.push(file), files[file]),
      fileExists: (file: string) => file in files,
    };
    const dependents = new TypeDependents(host);
    const candidates = ['store.ts', 'routes.ts', 'later.ts'].map((f) => `${app}/${f}`);
    assert.deepEqual(dependents.of(`${app}/todo.ts`, candidates), [`${app}/store.ts`]);
    // The store no longer imports todo.ts, the routes now do: the answer follows the texts.
    files[`${app}/store.ts`] = 'export const todos: unknown[] = [];\n';
    files[`${app}/routes.ts`] = "import { makeTodo } from './todo';\nexport const one = makeTodo();\n";
    assert.deepEqual(dependents.of(`${app}/todo.ts`, candidates), [`${app}/routes.ts`]);
    // note.ts did not exist when later.ts was first read: once made, later.ts imports it.
    assert.deepEqual(dependents.of(`${app}/note.ts`, candidates), []);
    files[`${app}/note.ts`] = 'export interface Note { text: string }\n';
    assert.deepEqual(dependents.of(`${app}/note.ts`, candidates), [`${app}/later.ts`]);
    // Each file is read once a call, whatever the number of paths through it.
    reads.length = 0;
    dependents.of(`${app}/todo.ts`, candidates);
    assert.equal(reads.length, new Set(reads).size, reads.join(', '));
  });
});

describe('a second change of a holder whose codeChange the running version has', () => {
  /**
   * The stub for `key`'s change since v3 written into `v2`, then `change` applied to that text
   * as the running version (v7): the stub for the change since v7, written into it.
   */
  function twice(file: string, key: string, v1: string, v2: string, change: (written: string) => string): string {
    const first = analyzer.analyzeHolders(oldVersionFileName(file, 3), v1).find((h) => h.key === key)!;
    const written = applyEdits(v2, analyzer.holderStubEdits(file, v2, { info: first, vsn: '3', n: 3 }));
    const running = analyzer.analyzeHolders(oldVersionFileName(file, 7), written).find((h) => h.key === key)!;
    const next = change(written);
    const saved = analyzer.analyzeHolders(file, next).find((h) => h.key === key)!;
    assert.equal(saved.hasCodeChange, true);
    assert.equal(saved.codeChangeText, running.codeChangeText, "the running version's codeChange, unchanged");
    const edits = analyzer.holderStubEdits(file, next, { info: running, vsn: '7', n: 7 });
    assert.ok(edits.length > 0, 'a codeChange for the change since v7');
    const text = applyEdits(next, edits);
    const after = analyzer.analyzeHolders(file, text).find((h) => h.key === key)!;
    assert.notEqual(
      after.codeChangeText,
      running.codeChangeText,
      'the load brings a new codeChange: the agent runs it',
    );
    assert.deepEqual(analyzer.holderStubEdits(file, text, { info: running, vsn: '7', n: 7 }), [], 'written once');
    return text;
  }

  test("module variables: the new codeChange takes the old one's place, and the old type only it named goes", () => {
    const file = `${app}/tasks-store.ts`;
    const store = (task: string) => `export interface Task {
${task}
}

export const tasks: Task[] = [];

export function add(title: string): void {
  tasks.push({ title } as Task);
}
`;
    const text = twice(
      file,
      'module',
      store('  title: string;'),
      store('  title: string;\n  done: boolean;'),
      (written) => written.replace('  done: boolean;\n}', '  done: boolean;\n  tags: string[];\n}'),
    );
    assert.deepEqual(typeErrors({ [file]: text }, file), [], text);
    assert.doesNotMatch(text, /VariablesV3|'3'/, text);
    assert.equal(text.match(/function codeChange/g)?.length, 1, text);
    assert.match(
      text,
      /\n\/\*\* The module variables running v7 [^\n]*\*\/\ntype VariablesV7 = \{\n {2}tasks: \{/,
      text,
    );
    const { codeChange } = evaluate(file, text) as { codeChange: CodeChange };
    assert.deepEqual(codeChange('7', { tasks: [{ title: 'milk', done: true }] }), {
      tasks: [{ title: 'milk', done: true, tags: [] }],
    });
    assert.deepEqual(codeChange('3', { tasks: [] }), {}, 'v3 runs nowhere now');
  });

  test("a class's static codeChange is replaced where it is; the new old type goes above the class", () => {
    const file = `${app}/cats-again.service.ts`;
    const service = (visits: string) => `import type { Cat } from './cat.interface';

export class CatsService {
  cats: Cat[] = [];
  visits = ${visits};

  count(): number {
    return this.cats.length;
  }
}
`;
    analyzer.setDocument(`${app}/cat.interface.ts`, catV1);
    const first = analyzer
      .analyzeHolders(oldVersionFileName(file, 3), service('0'))
      .find((h) => h.key === 'class:CatsService')!;
    analyzer.setDocument(`${app}/cat.interface.ts`, catV2);
    const written = applyEdits(
      service('0'),
      analyzer.holderStubEdits(file, service('0'), { info: first, vsn: '3', n: 3 }),
    );
    const running = analyzer
      .analyzeHolders(oldVersionFileName(file, 7), written)
      .find((h) => h.key === 'class:CatsService')!;
    const next = written.replace('  visits = 0;', "  visits = { total: 0, since: '' };");
    const text = applyEdits(next, analyzer.holderStubEdits(file, next, { info: running, vsn: '7', n: 7 }));
    assert.deepEqual(typeErrors({ [`${app}/cat.interface.ts`]: catV2, [file]: text }, file), [], text);
    assert.doesNotMatch(text, /CatsServiceV3/, text);
    assert.match(text, /\ntype CatsServiceV7 = \{\n {2}visits: number;\n\};\n\nexport class CatsService \{/, text);
    assert.match(
      text,
      /\n {2}static codeChange\(from: string \| \{ down: string \}, old: unknown\): \{ visits\?: CatsService\['visits'\] \} \{/,
      text,
    );
    const { CatsService } = evaluate(file, text) as { CatsService: { codeChange: CodeChange } };
    assert.throws(() => CatsService.codeChange('7', { cats: [], visits: 4 }), /codeChange from v7: convert visits/);
  });

  test('JavaScript: the codeChange and its doc comment are replaced; the old @typedef above them stays, unused', () => {
    const file = `${app}/counter-again.js`;
    const counter = (counts: string) => `const counts = ${counts};\n\nmodule.exports = { counts };\n`;
    const text = twice(file, 'module', counter('{ hits: 0 }'), counter('{ hits: 0, misses: 0 }'), (written) =>
      written.replace('{ hits: 0, misses: 0 }', '{ hits: 0, misses: 0, sets: 0 }'),
    );
    assert.deepEqual(
      typeErrors({ [file]: text }, file, { allowJs: true, checkJs: true, noImplicitAny: false }),
      [],
      text,
    );
    assert.equal(text.match(/function codeChange/g)?.length, 1, text);
    assert.equal(text.match(/@param \{string \| \{ down: string \}\} from/g)?.length, 1, text);
    const codeChange = new Function('module', `${text}\nreturn codeChange;`)({ exports: {} }) as CodeChange;
    assert.deepEqual(codeChange('7', { counts: { hits: 1, misses: 2 } }), { counts: { hits: 1, misses: 2, sets: 0 } });
  });

  test('a codeChange changed only in its types, comments or layout is the running one: the agent would not run it', () => {
    const file = `${app}/typed-again.ts`;
    const running = `export const scores: number[] = [];

export function codeChange(from: string, old: unknown): { scores?: number[] } {
  if (from !== '3') return {};
  return { scores: (old as { scores: string[] }).scores.map(Number) };
}
`;
    const old = analyzer.analyzeHolders(oldVersionFileName(file, 7), running).find((h) => h.key === 'module')!;
    const text = running
      .replace('number[] = []', 'bigint[] = []')
      .replace('number[] } {', 'bigint[] } {\n  // converts the strings of v3')
      .replace('(old as { scores: string[] })', '(old as unknown as { scores: readonly string[] })');
    const saved = analyzer.analyzeHolders(file, text).find((h) => h.key === 'module')!;
    assert.equal(saved.codeChangeText, old.codeChangeText);
    assert.ok(analyzer.holderStubEdits(file, text, { info: old, vsn: '7', n: 7 }).length > 0, 'replaced');
  });

  test('a codeChange changed since the running version is kept: the user is writing it, and the load will run it', () => {
    const file = `${app}/kept-branch.ts`;
    const running = `export const scores: string[] = [];

export function codeChange(from: string, old: { scores: number[] }): { scores?: string[] } {
  return from === '3' ? { scores: old.scores.map(String) } : {};
}
`;
    const old = analyzer.analyzeHolders(oldVersionFileName(file, 7), running).find((h) => h.key === 'module')!;
    const text = running
      .replace('scores: string[] = []', 'scores: number[] = []')
      .replace(
        "return from === '3'",
        "if (from === '7') return { scores: old.scores.map(Number) };\n  return from === '3'",
      );
    assert.deepEqual(analyzer.holderStubEdits(file, text, { info: old, vsn: '7', n: 7 }), []);
  });
});
