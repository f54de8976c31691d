/**
 * State-type analysis (the language server's, editor-agnostic): State types → canonical form
 * and runtime shape, server keys, diff lines, and codeChange stubs that type-check and run.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { StateShape } from '../../runtime-agent/src/protocol';
import { checkShape } from '../../runtime-agent/src/processes/state-shape';
import {
  StateTypeAnalyzer,
  applyEdits,
  createAnalysisRegistry,
  diffShapes,
  oldVersionFileName,
  type ServerStateInfo,
} from '../../extension/src/engine/state-types/index';
import type { StateTypes } from '../../extension/src/engine/save-pipeline';
import { tmpRoot } from '../helpers/paths';
import { evaluateServers, typeErrors, type CodeChange } from '../helpers/state-types';

/** In memory only: nothing is written under this folder. */
const app = '/virtual/app/src';
const analyzer = new StateTypeAnalyzer();
after(() => analyzer.dispose());

let fileCount = 0;
/** The state of the one server of a module declaring `types` (which include `State`). */
function stateOf(types: string): ServerStateInfo {
  const source = `import { defineServer } from 'hotpatch-agent';\n${types}\nexport const s = defineServer<State>({ init: () => null as never });\n`;
  const servers = analyzer.analyze(`${app}/form${fileCount++}.ts`, source);
  assert.equal(servers.length, 1);
  return servers[0]!;
}

function form(stateType: string): { canonical: string; shape: StateShape } {
  const { canonical, shape } = stateOf(`type State = ${stateType};`);
  return { canonical, shape };
}

const number: StateShape = { type: 'number' };
const string: StateShape = { type: 'string' };

describe('type forms → canonical form and shape', () => {
  test('primitives', () => {
    assert.deepEqual(form('string'), { canonical: 'string', shape: string });
    assert.deepEqual(form('number'), { canonical: 'number', shape: number });
    assert.deepEqual(form('boolean'), { canonical: 'boolean', shape: { type: 'boolean' } });
    assert.deepEqual(form('bigint'), { canonical: 'bigint', shape: { type: 'bigint' } });
    assert.deepEqual(form('null'), { canonical: 'null', shape: { type: 'null' } });
    assert.deepEqual(form('undefined'), { canonical: 'undefined', shape: { type: 'undefined' } });
    // A template literal is a string at run time.
    assert.deepEqual(form('`id-${number}`'), { canonical: 'string', shape: string });
  });

  test('literals, and literal unions in written order (canonical sorted)', () => {
    assert.deepEqual(form("'on'"), { canonical: "'on'", shape: { type: 'literal', value: 'on' } });
    assert.deepEqual(form('42').shape, { type: 'literal', value: 42 });
    assert.deepEqual(form('-1').shape, { type: 'literal', value: -1 });
    assert.deepEqual(form('true').shape, { type: 'literal', value: true });
    const status = form("'idle' | 'running' | 'done'");
    assert.equal(status.canonical, "'done' | 'idle' | 'running'");
    assert.deepEqual(status.shape, {
      type: 'union',
      options: ['idle', 'running', 'done'].map((value) => ({ type: 'literal', value })),
    });
    // A bigint literal checks as any bigint (shapes carry no bigint literals).
    assert.deepEqual(form('10n').shape, { type: 'bigint' });
  });

  test('unions: nullable, boolean kept whole, unknown absorbs', () => {
    assert.deepEqual(form('string | null'), {
      canonical: 'null | string',
      shape: { type: 'union', options: [string, { type: 'null' }] },
    });
    assert.equal(form('boolean | undefined').canonical, 'boolean | undefined');
    assert.equal(form("number | 'none'").canonical, "'none' | number");
    assert.equal(form('unknown | string').canonical, 'unknown');
    assert.equal(form('string | number').canonical, form('number | string').canonical);
  });

  test('objects: optional fields, nested objects, sorted keys', () => {
    const { canonical, shape } = form('{ z: number; a?: string; nested: { b: boolean; a: Date } }');
    assert.equal(canonical, '{ a?: string; nested: { a: Date; b: boolean }; z: number }');
    assert.deepEqual(shape, {
      type: 'object',
      properties: {
        z: { shape: number },
        a: { shape: string, optional: true },
        nested: {
          shape: { type: 'object', properties: { b: { shape: { type: 'boolean' } }, a: { shape: { type: 'date' } } } },
        },
      },
    });
    // Optional with an explicit `| undefined` is the same type.
    assert.equal(form('{ a?: string | undefined }').canonical, '{ a?: string }');
    assert.equal(form("{ 'my-key': number }").canonical, "{ 'my-key': number }");
    assert.equal(form('{}').canonical, '{}');
  });

  test('arrays and tuples', () => {
    assert.deepEqual(form('string[]').shape, { type: 'array', element: string });
    assert.equal(form('Array<number>').canonical, 'number[]');
    assert.equal(form('readonly string[]').canonical, 'string[]');
    assert.equal(form('(string | number)[]').canonical, '(number | string)[]');
    assert.deepEqual(form('[number, string]'), {
      canonical: '[number, string]',
      shape: { type: 'tuple', elements: [number, string] },
    });
    assert.equal(form('[x: number, y: number]').canonical, '[number, number]');
    // No fixed length to check: optional and rest elements.
    assert.equal(form('[number, string?]').canonical, 'unknown');
    assert.equal(form('[number, ...string[]]').canonical, 'unknown');
  });

  test('Map, Set, Date (and their readonly forms)', () => {
    assert.deepEqual(form('Map<string, number[]>'), {
      canonical: 'Map<string, number[]>',
      shape: { type: 'map', key: string, value: { type: 'array', element: number } },
    });
    assert.equal(form('ReadonlyMap<number, Date>').canonical, 'Map<number, Date>');
    assert.deepEqual(form('Set<string>').shape, { type: 'set', element: string });
    assert.equal(form('ReadonlySet<bigint>').canonical, 'Set<bigint>');
    assert.deepEqual(form('Date').shape, { type: 'date' });
  });

  test('index signatures and Record', () => {
    assert.deepEqual(form('{ [id: string]: number }').shape, { type: 'object', properties: {}, index: number });
    assert.equal(form('Record<string, { x: number }>').canonical, '{ [key: string]: { x: number } }');
    assert.equal(form('{ total: number; [id: string]: number }').canonical, '{ total: number; [key: string]: number }');
    assert.equal(form('{ [i: number]: string }').canonical, '{ [key: string]: string }');
    assert.equal(form("Record<'a' | 'b', number>").canonical, '{ a: number; b: number }');
  });

  test('interfaces, aliases, generics, intersections, mapped types, enums', () => {
    const declared = stateOf(`
      interface Base { id: string }
      type Id = string;
      interface Box<T> { value: T }
      export interface State extends Base { owner: Id; box: Box<number>; extra: Partial<{ a: number }> & { b: boolean } }
    `);
    assert.equal(
      declared.canonical,
      '{ box: { value: number }; extra: { a?: number; b: boolean }; id: string; owner: string }',
    );
    assert.equal(form("string & { readonly __brand: 'UserId' }").canonical, 'string');
    const enums = stateOf(
      `enum Color { Red = 'red', Green = 'green' }\nenum Level { Low, High }\ntype State = { c: Color; l: Level }`,
    );
    assert.equal(enums.canonical, "{ c: 'green' | 'red'; l: 0 | 1 }");
  });

  test('what a value check cannot express is unknown', () => {
    assert.deepEqual(form('any').shape, { type: 'unknown' });
    assert.deepEqual(form('unknown').shape, { type: 'unknown' });
    assert.equal(form('() => void').canonical, 'unknown');
    assert.equal(form('Promise<number>').canonical, 'unknown');
    assert.equal(form('RegExp').canonical, 'unknown');
    assert.equal(form('symbol').canonical, 'unknown');
    assert.equal(form('{ onTick: (n: number) => void; n: number }').canonical, '{ n: number; onTick: unknown }');
    // Recursion stops where the type meets itself again.
    const tree = stateOf('interface Node { label: string; children: Node[] }\ntype State = Node;');
    assert.equal(tree.canonical, '{ children: unknown[]; label: string }');
    // A class instance: its data, not its methods.
    const counter = stateOf(
      'class Counter { n = 0; #secret = 1; bump(): void {} get double() { return 2; } }\ntype State = Counter;',
    );
    assert.equal(counter.canonical, '{ n: number }');
  });

  test('the shape a type yields is the one the agent checks values with', () => {
    const { shape } = form("{ count: number; tags: Set<string>; when: Date; mode: 'a' | 'b'; note?: string }");
    assert.equal(checkShape({ count: 1, tags: new Set(['x']), when: new Date(), mode: 'b' }, shape), undefined);
    assert.equal(
      checkShape({ count: '1', tags: new Set(), when: new Date(), mode: 'a' }, shape),
      'state.count: expected number, found string "1"',
    );
  });

  test('hash follows the canonical form', () => {
    const a = form('{ a: number; b: string }');
    const b = stateOf('interface State { b: string; a: number }');
    assert.equal(a.canonical, b.canonical);
    assert.equal(stateOf('type State = { a: number; b: string }').hash, b.hash);
    assert.notEqual(stateOf('type State = { a: number }').hash, b.hash);
    assert.match(b.hash, /^[0-9a-f]{16}$/);
  });
});

describe('servers of a module', () => {
  test('keys: the spec’s key, else server<index> in definition order (as defineServer numbers them)', () => {
    const servers = analyzer.analyze(
      `${app}/keys.ts`,
      `import { defineServer, defineServer as ds } from 'hotpatch-agent';
      import * as agent from 'hotpatch-agent';
      const KEY = 'fromConst';
      const spec = { key: 'viaVariable', init: () => 0 };
      export const a = defineServer<number>({ key: 'first', init: () => 0 });
      export const b = defineServer<string>({ init: () => '' });
      export const c = ds<boolean>({ key: KEY, init: () => false });
      export const d = agent.defineServer<bigint>({ init: () => 0n });
      export const e = defineServer<number>(spec);
      `,
    );
    assert.deepEqual(
      servers.map((s) => [s.key, s.canonical]),
      [
        ['first', 'number'],
        ['server1', 'string'],
        ['fromConst', 'boolean'],
        ['server3', 'bigint'],
        ['viaVariable', 'number'],
      ],
    );
  });

  test('codeChange written as a method, a property, or through a spread', () => {
    const servers = analyzer.analyze(
      `${app}/code-change.ts`,
      `import { defineServer } from 'hotpatch-agent';
      const base = { codeChange: (_f: unknown, s: unknown) => s as number };
      export const a = defineServer<number>({ init: () => 0, codeChange(_f, s) { return s as number; } });
      export const b = defineServer<number>({ init: () => 0, codeChange: (_f: unknown, s: unknown) => s as number });
      export const c = defineServer<number>({ ...base, init: () => 0 });
      export const d = defineServer<number>({ init: () => 0 });
      `,
    );
    assert.deepEqual(
      servers.map((s) => s.hasCodeChange),
      [true, true, true, false],
    );
  });

  test('type name and the range a diagnostic goes on', () => {
    const text = `import { defineServer } from 'hotpatch-agent';
export interface VisitsState {
  count: number;
}
export const visits = defineServer<VisitsState>({ init: () => ({ count: 0 }) });
export const inline = defineServer<{ n: number }>({ init: () => ({ n: 0 }) });
`;
    const [visits, inline] = analyzer.analyze(`${app}/names.ts`, text);
    assert.equal(visits!.typeName, 'VisitsState');
    assert.deepEqual(visits!.range, { start: { line: 1, character: 17 }, end: { line: 1, character: 28 } });
    assert.equal(inline!.typeName, 'State');
    assert.deepEqual(inline!.range, { start: { line: 5, character: 35 }, end: { line: 5, character: 48 } });
  });

  test('without a type argument: the exported State, also re-exported from elsewhere', () => {
    const [own] = analyzer.analyze(
      `${app}/fallback.ts`,
      `import { defineServer } from 'hotpatch-agent';\nexport interface State { count: number }\nexport const s = defineServer({ init: () => ({ count: 0 }) });\n`,
    );
    assert.equal(own!.typeName, 'State');
    assert.equal(own!.canonical, '{ count: number }');
    assert.deepEqual(own!.range.start, { line: 1, character: 17 });

    analyzer.setDocument(`${app}/shared-state.ts`, 'export type State = { items: string[] };');
    const [reexported] = analyzer.analyze(
      `${app}/fallback2.ts`,
      `import { defineServer } from 'hotpatch-agent';\nexport type { State } from './shared-state';\nexport const s = defineServer({ init: () => ({ items: [] }) });\n`,
    );
    assert.equal(reexported!.canonical, '{ items: string[] }');

    const [none] = analyzer.analyze(
      `${app}/fallback3.ts`,
      `import { defineServer } from 'hotpatch-agent';\nexport const s = defineServer({ init: () => 1 });\n`,
    );
    assert.deepEqual([none!.typeName, none!.canonical, none!.shape], ['unknown', 'unknown', { type: 'unknown' }]);
  });

  test('a document closed and set again is analysed with its new text, not the parse it had before', () => {
    const file = `${app}/reopened.ts`;
    const text = (state: string): string =>
      `import { defineServer } from 'hotpatch-agent';\nexport const s = defineServer<${state}>({ init: () => null as never });\n`;
    assert.equal(analyzer.analyze(file, text('{ a: number }'))[0]!.canonical, '{ a: number }');
    analyzer.closeDocument(file);

    assert.equal(analyzer.analyze(file, text('{ a: number; b: string }'))[0]!.canonical, '{ a: number; b: string }');
  });

  test('an old and a new version side by side stay apart, even as scripts', () => {
    const script = (fields: string): string =>
      `const { defineServer } = require('hotpatch-agent');\ninterface State { ${fields} }\nconst s = defineServer<State>({ init: () => null as never });\n`;
    const real = `${app}/script.ts`;
    assert.equal(analyzer.analyze(oldVersionFileName(real, 1), script('a: number'))[0]!.canonical, '{ a: number }');
    assert.equal(analyzer.analyze(real, script('b: string'))[0]!.canonical, '{ b: string }');
  });

  test('a module without servers has none', () => {
    assert.deepEqual(
      analyzer.analyze(`${app}/plain.ts`, 'export interface State { a: number }\nexport const x = 1;'),
      [],
    );
  });

  test('imported types resolve, from open documents and from disk', async () => {
    analyzer.setDocument(`${app}/model/settings.ts`, "export interface Settings { theme: 'dark' | 'light' }");
    const [fromOpen] = analyzer.analyze(
      `${app}/imports.ts`,
      `import { defineServer } from 'hotpatch-agent';
      import type { Settings } from './model/settings.js';
      type State = { settings: Settings; list: Settings[] };
      export const s = defineServer<State>({ init: () => null as never });`,
    );
    assert.equal(fromOpen!.canonical, "{ list: { theme: 'dark' | 'light' }[]; settings: { theme: 'dark' | 'light' } }");

    mkdirSync(tmpRoot, { recursive: true });
    const dir = mkdtempSync(join(tmpRoot, 'state-types-'));
    try {
      const types = join(dir, 'types.ts');
      writeFileSync(types, 'export type Entry = { at: Date };\n');
      const real = join(dir, 'log.ts');
      const text = `import { defineServer } from 'hotpatch-agent';\nimport type { Entry } from './types';\nexport const s = defineServer<Entry[]>({ init: () => [] });\n`;
      // The running version's source, analysed beside the real file so './types' resolves.
      const virtual = oldVersionFileName(real, 3);
      assert.equal(virtual, join(dir, '.hotpatch-v3-log.ts').replace(/\\/g, '/'));
      assert.equal(analyzer.analyze(virtual, text)[0]!.canonical, '{ at: Date }[]');
      // A change on disk is seen (by modification time) by the analyses of a later turn of the
      // event loop: the disk is looked at once in a turn.
      writeFileSync(types, 'export type Entry = { at: Date; by: string };\n');
      utimesSync(types, new Date(), new Date(Date.now() + 5000));
      assert.equal(analyzer.analyze(real, text)[0]!.canonical, '{ at: Date }[]');
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(analyzer.analyze(real, text)[0]!.canonical, '{ at: Date; by: string }[]');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test("analyzers sharing a registry of parses: each reads the project as it is when it is made (a load server's, one per load)", () => {
  mkdirSync(tmpRoot, { recursive: true });
  const dir = mkdtempSync(join(tmpRoot, 'state-types-registry-'));
  const registry = createAnalysisRegistry();
  const [first, second] = [new StateTypeAnalyzer({ registry }), new StateTypeAnalyzer({ registry })];
  try {
    const text = `import { defineServer } from 'hotpatch-agent';\nimport type { Entry } from './entry';\nexport const s = defineServer<Entry[]>({ init: () => [] });\n`;
    const log = join(dir, 'log.ts');
    writeFileSync(log, text);
    writeFileSync(join(dir, 'entry.ts'), 'export type Entry = { at: Date };\n');
    assert.equal(first.analyze(log, text)[0]!.canonical, '{ at: Date }[]');
    first.dispose();
    // A file made since, and imported through a new path: read, resolved.
    writeFileSync(join(dir, 'by.ts'), 'export type By = { name: string };\n');
    writeFileSync(
      join(dir, 'entry.ts'),
      "import type { By } from './by';\nexport type Entry = { at: Date; by: By };\n",
    );
    utimesSync(join(dir, 'entry.ts'), new Date(), new Date(Date.now() + 5000));
    assert.equal(second.analyze(log, text)[0]!.canonical, '{ at: Date; by: { name: string } }[]');
  } finally {
    second.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('diff lines', () => {
  const shapeOf = (stateType: string): StateShape => form(stateType).shape;

  test('added, removed, changed', () => {
    assert.deepEqual(diffShapes(shapeOf('{ count: number }'), shapeOf('{ count: number; history: number[] }')), [
      '+ history: number[]',
    ]);
    assert.deepEqual(diffShapes(shapeOf('{ count: number; legacy: string }'), shapeOf('{ count: number }')), [
      '- legacy: string',
    ]);
    assert.deepEqual(diffShapes(shapeOf('{ count: string }'), shapeOf('{ count: number }')), [
      '~ count: string → number',
    ]);
    assert.deepEqual(diffShapes(shapeOf('{ a: number }'), shapeOf('{ a: number }')), []);
  });

  test('nested paths, optionality, index signatures, non-objects', () => {
    assert.deepEqual(
      diffShapes(
        shapeOf('{ settings: { theme: string; size: number }; nick: string; tags?: string[] }'),
        shapeOf("{ settings: { theme: 'dark' | 'light'; font?: string }; nick?: string; tags: number[] }"),
      ),
      [
        "~ settings.theme: string → 'dark' | 'light'",
        '+ settings.font?: string',
        '- settings.size: number',
        '~ nick: now optional',
        '~ tags: string[] → number[] (now required)',
      ],
    );
    assert.deepEqual(diffShapes(shapeOf('{ [k: string]: number }'), shapeOf('{ [k: string]: string }')), [
      '~ [key]: number → string',
    ]);
    assert.deepEqual(diffShapes(shapeOf('{ m: Map<string, number> }'), shapeOf('{ m: Map<string, Date> }')), [
      '~ m: Map<string, number> → Map<string, Date>',
    ]);
    assert.deepEqual(diffShapes(shapeOf('number'), shapeOf('{ n: number }')), ['~ state: number → { n: number }']);
  });
});

describe('codeChange stubs', () => {
  const file = `${app}/server.ts`;

  /** Analyses the old text (as the old version), writes the stub into the new one and checks it. */
  function stub(oldText: string, newText: string, vsn = '3'): { text: string; codeChange: CodeChange } {
    const [oldInfo] = analyzer.analyze(oldVersionFileName(file, vsn), oldText);
    const edits = analyzer.codeChangeStubEdits(file, newText, { info: oldInfo!, vsn, n: vsn });
    assert.ok(edits.length > 0, 'edits');
    const text = applyEdits(newText, edits);
    assert.deepEqual(typeErrors({ [file]: text }, file), [], text);
    const after = analyzer.analyze(file, text);
    assert.equal(after[0]!.hasCodeChange, true);
    assert.deepEqual(
      analyzer.codeChangeStubEdits(file, text, { info: oldInfo!, vsn, n: vsn }),
      [],
      'no second codeChange',
    );
    const exports = evaluateServers(file, text);
    const spec = Object.values(exports).find((v) => typeof v === 'object' && v !== null && 'codeChange' in v);
    return { text, codeChange: (spec as { codeChange: CodeChange }).codeChange };
  }

  /** A realistic server module around a State declaration and an init. */
  const server = (state: string, init: string, extra = ''): string => `/** Visits, as in the example app. */
import { defineServer } from 'hotpatch-agent';

export const vsn = '4';

export interface State {
${state}
}
${extra}
export type VisitsCall = { type: 'visit'; name: string } | { type: 'get' };

export const visits = defineServer<State, VisitsCall, State>({
  init: () => (${init}),
  handleCall(message, state) {
    if (message.type === 'get') return { reply: state, state };
    return { reply: state, state };
  },
});
`;

  test('the type-check catches a wrong state (the check is live)', () => {
    const wrong = server('  count: number;', "{ count: 'zero' }");
    assert.equal(typeErrors({ [file]: wrong }, file).length, 1);
  });

  test('a field added: copied fields, a default for the new one', () => {
    const { text, codeChange } = stub(
      server('  count: number;', '{ count: 0 }'),
      server('  count: number;\n  /** newest last */\n  history: string[];', '{ count: 0, history: [] }'),
    );
    assert.match(text, /type StateV3 = \{\n {2}count: number;\n\};\n\nexport const visits/);
    assert.match(text, /history: \[\], \/\/ new/);
    assert.deepEqual(codeChange('3', { count: 7 }, undefined), { count: 7, history: [] });
    // Other versions' states are already States; rolling back to v3 is refused until written.
    const current = { count: 1, history: ['a'] };
    assert.equal(codeChange('4', current, undefined), current);
    assert.throws(() => codeChange({ down: '3' }, current, undefined), /no conversion back to v3/);
  });

  test('a field removed', () => {
    const { text, codeChange } = stub(
      server('  count: number;\n  legacy: string;', "{ count: 0, legacy: '' }"),
      server('  count: number;', '{ count: 0 }'),
    );
    assert.match(text, /\/\/ Dropped: legacy\./);
    assert.deepEqual(codeChange('3', { count: 2, legacy: 'x' }, undefined), { count: 2 });
  });

  test('a type changed: a TODO and a placeholder that throws until written', () => {
    const { text, codeChange } = stub(
      server('  count: string;\n  name: string;', "{ count: '0', name: '' }"),
      server('  count: number;\n  name: string;', "{ count: 0, name: '' }"),
    );
    assert.match(text, /\/\/ TODO: count was string, now number: convert old\.count\./);
    assert.throws(() => codeChange('3', { count: '5', name: 'a' }, undefined), /codeChange from v3: convert count/);
  });

  test('widened types are kept as they are', () => {
    const { codeChange } = stub(
      server("  status: 'idle' | 'busy';\n  last: number;", "{ status: 'idle', last: 0 }"),
      server("  status: 'idle' | 'busy' | 'done';\n  last: number | null;", "{ status: 'idle', last: null }"),
    );
    assert.deepEqual(codeChange('3', { status: 'busy', last: 4 }, undefined), { status: 'busy', last: 4 });
  });

  test('nested objects are followed down', () => {
    const { codeChange } = stub(
      server(
        '  settings: { theme: string; size: number };\n  owner: { name: string };',
        "{ settings: { theme: 'x', size: 1 }, owner: { name: '' } }",
      ),
      server(
        '  settings: { theme: string; size: number; font: { family: string; bold: boolean } };\n  owner: { name: string };',
        "{ settings: { theme: 'x', size: 1, font: { family: '', bold: false } }, owner: { name: '' } }",
      ),
    );
    const old = { settings: { theme: 'dark', size: 12 }, owner: { name: 'ann' } };
    assert.deepEqual(codeChange('3', old, undefined), {
      settings: { theme: 'dark', size: 12, font: { family: '', bold: false } },
      owner: { name: 'ann' },
    });
  });

  test('Map, Set and Date fields: copied, and defaults for new ones', () => {
    const newText = server(
      '  scores: Map<string, number>;\n  seen: Set<string>;\n  since: Date;\n  byDay: Map<string, Date[]>;\n  tags: Set<number>;\n  until: Date;\n  mode: Mode;\n  owner: string | null;\n  total: bigint;\n  pair: [number, boolean];',
      "{ scores: new Map(), seen: new Set(), since: new Date(), byDay: new Map(), tags: new Set(), until: new Date(), mode: 'fast', owner: null, total: 0n, pair: [0, false] }",
      "type Mode = 'fast' | 'slow';\n",
    );
    const { codeChange } = stub(
      server(
        '  scores: Map<string, number>;\n  seen: Set<string>;\n  since: Date;',
        '{ scores: new Map(), seen: new Set(), since: new Date() }',
      ),
      newText,
    );
    const old = { scores: new Map([['a', 1]]), seen: new Set(['x']), since: new Date(5) };
    const next = codeChange('3', old, undefined) as Record<string, unknown>;
    assert.equal(next.scores, old.scores);
    assert.equal(next.seen, old.seen);
    assert.equal(next.since, old.since);
    assert.deepEqual(next.byDay, new Map());
    assert.deepEqual(next.tags, new Set());
    assert.deepEqual(next.until, new Date(0));
    assert.equal(next.mode, 'fast');
    assert.equal(next.owner, null);
    assert.equal(next.total, 0n);
    assert.deepEqual(next.pair, [0, false]);
    const [info] = analyzer.analyze(file, newText);
    assert.equal(checkShape(next, info!.shape), undefined);
  });

  test('optional fields: a required one that was optional gets a default, a new optional one is left out', () => {
    const { codeChange } = stub(
      server('  nick?: string;\n  count: number;', '{ count: 0 }'),
      server('  nick: string;\n  count?: number;\n  note?: string;', "{ nick: '' }"),
    );
    assert.deepEqual(codeChange('3', { count: 1 }, undefined), { nick: '', count: 1 });
    assert.deepEqual(codeChange('3', { nick: 'al', count: 1 }, undefined), { nick: 'al', count: 1 });
  });

  test('functions and other unknowns are copied with their real type', () => {
    const { codeChange } = stub(
      server('  onTick: (n: number) => void;\n  n: number;', '{ onTick: () => {}, n: 0 }'),
      server('  onTick: (n: number) => void;\n  n: number;\n  m: number;', '{ onTick: () => {}, n: 0, m: 0 }'),
    );
    const onTick = (): void => {};
    assert.deepEqual(codeChange('3', { onTick, n: 2 }, undefined), { onTick, n: 2, m: 0 });
  });

  test('a new field with no obvious default gets a TODO', () => {
    const { text, codeChange } = stub(
      server('  n: number;', '{ n: 0 }'),
      server('  n: number;\n  onTick: () => void;', '{ n: 0, onTick: () => {} }'),
    );
    assert.match(text, /\/\/ TODO: onTick is new: give it a value\./);
    assert.throws(() => codeChange('3', { n: 1 }, undefined), /set onTick/);
  });

  test('one-line specs, no trailing comma, inline state types, keyed servers', () => {
    const oldText = `import { defineServer } from 'hotpatch-agent';
export const a = defineServer<{ n: number }>({ key: 'a', init: () => ({ n: 0 }) });
export const b = defineServer<{ list: string[] }>({ key: 'b', init: () => ({ list: [] }) });
`;
    const newText = `import { defineServer } from 'hotpatch-agent';
export const a = defineServer<{ n: number }>({ key: 'a', init: () => ({ n: 0 }) });
export const b = defineServer<{ list: string[]; size: number }>({
  key: 'b',
  init: () => ({ list: [], size: 0 })
});
`;
    const old = analyzer.analyze(oldVersionFileName(file, 7), oldText);
    const edits = analyzer.codeChangeStubEdits(file, newText, { info: old[1]!, vsn: 'abc123', n: 7 });
    const text = applyEdits(newText, edits);
    assert.deepEqual(typeErrors({ [file]: text }, file), [], text);
    assert.match(text, /type StateV7 = \{\n {2}list: string\[\];\n\};\n\nexport const b/);
    const { b } = evaluateServers(file, text) as { b: { codeChange: CodeChange } };
    assert.deepEqual(b.codeChange('abc123', { list: ['x'] }, undefined), { list: ['x'], size: 0 });

    // A one-line literal: the method goes on lines of its own, and the result still checks.
    const oneLine = newText.replace("{ key: 'a', init: () => ({ n: 0 }) }", "{ key: 'a', init: () => ({ n: 0 }), }");
    const changed = oneLine
      .replace('defineServer<{ n: number }>', 'defineServer<{ n: number; m: string }>')
      .replace('({ n: 0 })', "({ n: 0, m: '' })");
    const textA = applyEdits(changed, analyzer.codeChangeStubEdits(file, changed, { info: old[0]!, vsn: '1', n: 1 }));
    assert.deepEqual(typeErrors({ [file]: textA }, file), [], textA);
    assert.match(textA, /\n {2}codeChange\(/);
  });

  test('odd vsns and property names stay inside strings and comments', () => {
    const vsn = "it's */\nodd";
    const { text, codeChange } = stub(
      server("  'my-key': number;\n  'gone-key': string;", "{ 'my-key': 0, 'gone-key': '' }"),
      server("  'my-key': number;\n  'new key': string[];", "{ 'my-key': 0, 'new key': [] }"),
      vsn,
    );
    assert.match(text, /\/\/ Dropped: 'gone-key'\./);
    assert.deepEqual(codeChange(vsn, { 'my-key': 3, 'gone-key': 'x' }, undefined), { 'my-key': 3, 'new key': [] });
  });

  test('no edits when the server already has a codeChange, or is not in the new text', () => {
    const oldText = server('  count: number;', '{ count: 0 }');
    const [oldInfo] = analyzer.analyze(oldVersionFileName(file, 1), oldText);
    const withCodeChange = server('  count: string;', "{ count: '' }").replace(
      '  init:',
      '  codeChange: (_from, state) => ({ count: String((state as { count: number }).count) }),\n  init:',
    );
    assert.deepEqual(analyzer.codeChangeStubEdits(file, withCodeChange, { info: oldInfo!, vsn: '1', n: 1 }), []);
    assert.deepEqual(analyzer.codeChangeStubEdits(file, 'export const x = 1;', { info: oldInfo!, vsn: '1', n: 1 }), []);
  });

  test("a second change: the running version's codeChange, written for the first, gives its place to the new one", () => {
    // v3 → v7 gained `history` (the stub written then), v7 → now gains `tag`.
    const v3 = server('  count: number;', '{ count: 0 }');
    const v7 = stub(v3, server('  count: number;\n  history: string[];', '{ count: 0, history: [] }')).text;
    const [running] = analyzer.analyze(oldVersionFileName(file, 7), v7);
    const next = v7
      .replace('  history: string[];\n}', '  history: string[];\n  tag: string;\n}')
      .replace('{ count: 0, history: [] }', "{ count: 0, history: [], tag: 'new' }");
    const [saved] = analyzer.analyze(file, next);
    assert.equal(saved!.codeChangeText, running!.codeChangeText, "the running version's codeChange, unchanged");
    const edits = analyzer.codeChangeStubEdits(file, next, { info: running!, vsn: '7', n: 7 });
    const text = applyEdits(next, edits);
    assert.deepEqual(typeErrors({ [file]: text }, file), [], text);
    assert.equal(text.match(/codeChange\(/g)?.length, 1, text);
    assert.doesNotMatch(text, /StateV3/, `the old type only the old codeChange named is gone:\n${text}`);
    assert.match(text, /\ntype StateV7 = \{\n {2}count: number;\n {2}history: string\[\];\n\};\n/, text);
    assert.match(text, /\n {4}return \{ reply: state, state \};\n {2}\},\n {2}codeChange\(/, "in the old one's place");
    assert.match(text, /\n {2}\},\n\}\);\n$/, `one comma, as the old one had:\n${text}`);
    const [after] = analyzer.analyze(file, text);
    assert.notEqual(after!.codeChangeText, running!.codeChangeText, 'the load brings a new codeChange');
    assert.deepEqual(
      analyzer.codeChangeStubEdits(file, text, { info: running!, vsn: '7', n: 7 }),
      [],
      "written once: the new one is the user's to finish",
    );
    const { visits } = evaluateServers(file, text) as { visits: { codeChange: CodeChange } };
    assert.deepEqual(visits.codeChange('7', { count: 2, history: ['ann'] }, undefined), {
      count: 2,
      history: ['ann'],
      tag: '',
    });
  });

  test('a second change after a restart, whose versions count anew: the old type of the same name is written anew', () => {
    const v3 = server('  count: number;', '{ count: 0 }');
    const first = stub(v3, server('  count: number;\n  history: string[];', '{ count: 0, history: [] }')).text;
    assert.match(first, /type StateV3 = \{\n {2}count: number;\n\};/);
    // The app restarted: the running version is v3 again, with the first stub's codeChange.
    const [running] = analyzer.analyze(oldVersionFileName(file, 3), first);
    const next = first
      .replace('  history: string[];\n}', '  history: string[];\n  tag: string;\n}')
      .replace('{ count: 0, history: [] }', "{ count: 0, history: [], tag: '' }");
    const text = applyEdits(next, analyzer.codeChangeStubEdits(file, next, { info: running!, vsn: '3', n: 3 }));
    assert.deepEqual(typeErrors({ [file]: text }, file), [], text);
    assert.equal(text.match(/type StateV3 =/g)?.length, 1, text);
    assert.match(text, /type StateV3 = \{\n {2}count: number;\n {2}history: string\[\];\n\};/, text);
    const { visits } = evaluateServers(file, text) as { visits: { codeChange: CodeChange } };
    assert.deepEqual(visits.codeChange('3', { count: 1, history: ['a'] }, undefined), {
      count: 1,
      history: ['a'],
      tag: '',
    });
  });

  test("a codeChange that names a function written elsewhere is not told apart by its property: it is the user's", () => {
    const withNamed = server('  count: number;', '{ count: 0 }')
      .replace(
        'export const visits',
        'const migrate = (_from: unknown, state: unknown) => state as State;\n\nexport const visits',
      )
      .replace('  init:', '  codeChange: migrate,\n  init:');
    const [info] = analyzer.analyze(file, withNamed);
    assert.equal(info!.hasCodeChange, true);
    assert.equal(info!.codeChangeText, undefined, 'no code of its own to compare');
  });

  test('a codeChange written as a property is told apart by its code, and replaced where it is', () => {
    const v1 = server('  count: number;', '{ count: 0 }').replace(
      '  init:',
      '  codeChange: (_from: unknown, state: unknown) => ({ ...(state as State) }),\n  init:',
    );
    const [running] = analyzer.analyze(oldVersionFileName(file, 1), v1);
    const retyped = v1.replace('(_from: unknown, state: unknown)', '(_from: string, state: unknown)');
    assert.equal(analyzer.analyze(file, retyped)[0]!.codeChangeText, running!.codeChangeText, 'types are no change');
    const rewritten = v1.replace('({ ...(state as State) })', '({ count: 0, ...(state as State) })');
    assert.notEqual(analyzer.analyze(file, rewritten)[0]!.codeChangeText, running!.codeChangeText);
    const next = retyped
      .replace('  count: number;\n}', '  count: number;\n  tag: string;\n}')
      .replace('{ count: 0 }', "{ count: 0, tag: '' }");
    const text = applyEdits(next, analyzer.codeChangeStubEdits(file, next, { info: running!, vsn: '1', n: 1 }));
    assert.deepEqual(typeErrors({ [file]: text }, file), [], text);
    assert.match(
      text,
      /\n {2}codeChange\(from: string \| \{ down: string \}[^\n]*\{\n[\s\S]*\n {2}\},\n {2}init:/,
      text,
    );
    assert.doesNotMatch(text, /\n {2}codeChange:/, `the property is gone:\n${text}`);
    assert.equal(text.match(/codeChange\(/g)?.length, 1, text);
  });
});

test('plugs into the save pipeline as its StateTypes', () => {
  const types: StateTypes = {
    analyze: (fileName, text) => analyzer.analyze(fileName, text),
    diff: diffShapes,
    stubEdits: (fileName, text, change) =>
      analyzer.codeChangeStubEdits(fileName, text, { info: change.old, vsn: change.fromVsn, n: change.fromSeq }),
  };
  const text =
    "import { defineServer } from 'hotpatch-agent';\nexport const s = defineServer<{ n: number }>({ init: () => ({ n: 0 }) });\n";
  assert.deepEqual(
    types.analyze(`${app}/pipeline.ts`, text).map((s) => s.key),
    ['server0'],
  );
});
