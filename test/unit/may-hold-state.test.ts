/**
 * Which modules the save pipeline analyses for state types: those whose syntax may declare
 * state. Everything the analysis with types finds must pass this test (it errs towards yes).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StateTypeAnalyzer, mayHoldState } from '../../extension/src/engine/state-types';

const stateful: Record<string, string> = {
  'a server':
    "import { defineServer } from 'hotpatch-agent';\nexport const s = defineServer({ init: () => ({ n: 0 }) });",
  'a server through a renamed import':
    "import { defineServer as ds } from 'hotpatch-agent';\nexport const s = ds<{ n: number }>({ init: () => ({ n: 0 }) });",
  'a server through require': "const agent = require('hotpatch-agent');\nagent.defineServer({ init: () => ({}) });",
  'a server made inside a function':
    "const agent = require('hotpatch-agent');\nexport function start() { return agent.defineServer({ init: () => ({}) }); }",
  // Its name is `defineServer` to the language; the text never spells it out.
  'a server whose name is written with an escape':
    "const agent = require('hotpatch-agent');\nagent.define\\u0053erver({ init: () => ({}) });",
  'a module array':
    'interface Todo { title: string }\nconst todos: Todo[] = [];\nexport function add(t: Todo) { todos.push(t); }',
  'a counter': 'let count = 0;\nexport const next = () => ++count;',
  'a declared variable': 'let current: { id: number } | undefined;',
  'a class field': 'export class CatsService {\n  private cats: string[] = [];\n  list() { return this.cats; }\n}',
};

const stateless: Record<string, string> = {
  'functions and a version constant':
    "const VERSION = 'v2';\nfunction helper(x: number) { return x * 2; }\nexports.vsn = '2';\nexports.describe = () => VERSION;",
  'imports, requires and a handler':
    "import express from 'express';\nconst path = require('node:path');\nexport const handler = (req: unknown) => path.join('a', String(req));",
  'types only': 'export interface State { n: number }\nexport type Id = string;',
  'a class of methods and statics':
    'export class Util {\n  static version = 2;\n  double(x: number) { return x * 2; }\n}',
  'constants of literals': 'const LIMIT = 10;\nconst NAME = `app`;\nconst OFF = false;\nconst NEG = -1;',
  'a comment that names defineServer':
    '// no defineServer here\nexport const greet = (name: string) => `hi ${name}\\n`;',
  'frozen constants (a JSON schema, defaults)':
    "const schema = { type: 'object', properties: { id: { type: 'integer' } } } as const;\nconst DEFAULTS = Object.freeze({ pageSize: 20 });",
};

test('a module whose syntax may declare state is analysed', () => {
  for (const [name, text] of Object.entries(stateful)) assert.equal(mayHoldState('/app/m.ts', text), true, name);
});

test('a module that declares no state is not', () => {
  for (const [name, text] of Object.entries(stateless)) assert.equal(mayHoldState('/app/m.ts', text), false, name);
});

test('what the analysis with types finds always passes the syntax test', () => {
  const analyzer = new StateTypeAnalyzer();
  for (const [name, text] of Object.entries({ ...stateful, ...stateless })) {
    const found = [...analyzer.analyze('/app/m.ts', text), ...analyzer.analyzeHolders('/app/m.ts', text)];
    if (found.length > 0) assert.equal(mayHoldState('/app/m.ts', text), true, name);
  }
  analyzer.dispose();
});
