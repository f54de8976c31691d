/**
 * A CommonJS module's export given a new value (a statement like `exports.typeDefs = …` ran
 * again) is on its exports object from now on: code that reads `require('./x').typeDefs` at
 * each use sees it. A module that copied the export once, at startup, keeps the old value:
 * `const { typeDefs } = require('./type-defs')`, `const schema = require('./schema').schema`,
 * `const { limit } = defs` after `const defs = require('./type-defs')`, or a top-level statement
 * reading it (`createSchema({ typeDefs: defs.typeDefs })`) that is not run again. A GraphQL
 * schema built at startup from changed type definitions said ✓ and changed nothing. Those
 * copies are reported, naming the module and line, with a restart; a route added with the old
 * value (`router.get('/x', validate(rules.title), …)`) is added again with the new one.
 *
 * Functions and classes are not copies that go stale: importers hold a trampoline or the class
 * itself, both of which follow the newest version (stable-exports.ts); nor are servers'
 * definitions (defineServer). ES module importers hold live bindings.
 */
import Module from 'node:module';
import { relative } from 'node:path';
import type { Identifier } from 'acorn';
import { ServerDefinition } from '../processes/define-server';
import { isClass, isPlainFunction } from './stable-exports';
import type { HotModule } from './module-version';
import type { StaleImport } from './import-reads';
import { sourceLines } from './original-source';
import { acorn } from './live/parsers';
import { isFunction, lineIndex } from './live/program';
import { shortText } from './live/stale-reads';
import { childrenOf, type AnyNode } from './live/walk';

/** The export names whose values `next` replaced, where an importer's copy would keep the old one. */
export function replacedExports(previous: unknown, next: unknown): string[] {
  if (!isObject(previous) || !isObject(next)) return [];
  return Object.keys(next).filter((name) => {
    const value = (next as Record<string, unknown>)[name];
    return goesStale(value) && !alike((previous as Record<string, unknown>)[name], value);
  });
}

/**
 * Whether a copy of an export's value can go stale: not a function or class (importers hold one
 * that follows the newest version), nor a server's definition (looked up by its module and key
 * when a process runs it: an importer's old one starts and calls the current version's servers).
 */
export function goesStale(value: unknown): boolean {
  return !isPlainFunction(value) && !isClass(value) && !(value instanceof ServerDefinition);
}

/** How deep `alike` compares nested objects; deeper ones count as replaced. */
const ALIKE_DEPTH = 4;

/**
 * Whether a copy of `before` behaves as `after`: the same value, or plain objects (or arrays)
 * with the same keys whose values are alike, functions included. A statement run again for a
 * changed parameter list (`label: () => …` becoming `label: ({ context }) => …`) makes a new
 * object of new functions, but the old functions forward their calls to the new bodies.
 */
export function alike(before: unknown, after: unknown, depth = 0): boolean {
  if (Object.is(before, after)) return true;
  if (typeof before === 'function' && typeof after === 'function') return !isClass(after);
  if (!isPlainData(before) || !isPlainData(after) || depth >= ALIKE_DEPTH) return false;
  const keys = Object.keys(after);
  if (keys.length !== Object.keys(before).length) return false;
  return keys.every(
    (key) => Object.hasOwn(before, key) && alike(Reflect.get(before, key), Reflect.get(after, key), depth + 1),
  );
}

function isPlainData(value: unknown): value is object {
  if (Array.isArray(value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/**
 * What the other hot CommonJS modules that required `exporter` copied of `names` at startup,
 * export by export: the report's note and the statements that copied it (import-reads.ts's
 * StaleImport, which route-rebuild.ts runs again where they added routes). `root`: what the
 * paths in the notes are relative to.
 */
export function staleCopies(
  exporter: HotModule,
  names: readonly string[],
  modules: Iterable<HotModule>,
  root: string,
): StaleImport[] {
  if (names.length === 0) return [];
  const copies = new Map<string, { where: string[]; reads: StaleImport['reads'] }>(
    names.map((name) => [name, { where: [], reads: [] }]),
  );
  for (const importer of importersOf(exporter, modules)) {
    for (const copy of copiesIn(importer, exporter.file)) {
      const found = copies.get(copy.name);
      if (!found) continue;
      found.where.push(`${relative(root, importer.file)} line ${copy.line} (${copy.text})`);
      found.reads.push({ importer, statement: statementAt(importer, copy.at) });
    }
  }
  return [...copies]
    .filter(([, { where }]) => where.length > 0)
    .map(([name, { where, reads }]) => ({
      name,
      note:
        `${name} has a new value, but ${where.join(', ')} copied it once, at startup, and keeps the old one; ` +
        'restart the app to apply it there',
      reads,
    }));
}

/** The index of the running version's top-level statement at `position` of its code, if it is live. */
function statementAt(importer: HotModule, position: number): number | undefined {
  const statements = importer.current.live?.digest.statements ?? [];
  const index = statements.findIndex(({ shape }) => shape.start <= position && position < shape.end);
  return index < 0 ? undefined : index;
}

/**
 * Reads now what the importers of `exporter` copy of it (kept per running version, as
 * staleCopies reads them): a first save's commit found them unread and parsed each importer
 * then, 7–10 ms of its time (agent/warm calls this).
 */
export function readCopiesOfImporters(exporter: HotModule, modules: Iterable<HotModule>): void {
  for (const importer of importersOf(exporter, modules)) copiesIn(importer, exporter.file);
}

/** The other hot CommonJS modules that required `exporter`. */
function* importersOf(exporter: HotModule, modules: Iterable<HotModule>): Iterable<HotModule> {
  const required = require.cache[exporter.file];
  if (!required || exporter.format !== 'cjs') return;
  for (const importer of modules) {
    if (importer === exporter || importer.format !== 'cjs') continue;
    if (require.cache[importer.file]?.children.includes(required)) yield importer;
  }
}

interface Copy {
  name: string;
  line: number;
  text: string;
  /** Where the statement that copied it starts in the importer's code. */
  at: number;
}

/**
 * `read(importer, exporterFile)`, kept for each running version of the importer, by exporter: a
 * module saved again and again (its importers unchanged) has its importers read once, not at
 * every save.
 */
export function perRunningVersion<T>(
  read: (importer: HotModule, exporterFile: string) => T,
): (importer: HotModule, exporterFile: string) => T {
  const byVersion = new WeakMap<object, Map<string, T>>();
  return (importer, exporterFile) => {
    const known = byVersion.get(importer.current) ?? new Map<string, T>();
    byVersion.set(importer.current, known);
    if (!known.has(exporterFile)) known.set(exporterFile, read(importer, exporterFile));
    return known.get(exporterFile)!;
  };
}

/** The exports of `exporterFile` that the top-level statements of `importer`'s running version copy. */
const copiesIn = perRunningVersion(readCopies);

function readCopies(importer: HotModule, exporterFile: string): Copy[] {
  const code = importer.current.code;
  let program: AnyNode;
  try {
    // The options of every other parse (live/program.ts): `locations` gave acorn's nodes another
    // shape, and V8 threw away the parser's optimized code; the next save parsed ×5 slower.
    program = acorn().Parser.parse(code, {
      ecmaVersion: 'latest',
      sourceType: 'script',
      allowReturnOutsideFunction: true,
      allowHashBang: true,
    }) as unknown as AnyNode;
  } catch {
    return [];
  }
  const resolve = Module.createRequire(importer.file).resolve;
  /** Whether `node` is `require('<a path that resolves to the exporter>')`. */
  const requiresExporter = (node: AnyNode | null | undefined): boolean => {
    if (node?.type !== 'CallExpression') return false;
    const callee = node.callee as AnyNode;
    const [specifier] = node.arguments as AnyNode[];
    if (callee.type !== 'Identifier' || (callee as Identifier).name !== 'require') return false;
    if (specifier?.type !== 'Literal' || typeof specifier.value !== 'string') return false;
    try {
      return resolve(specifier.value) === exporterFile;
    } catch {
      return false;
    }
  };
  // The line in the file the user edits (a TypeScript source, through the code's source map).
  const lineOf = lineIndex(code, sourceLines(importer.file, code));
  const copies: Copy[] = [];
  const namespaces = new Set<string>();
  for (const statement of program.body as AnyNode[]) {
    const text = shortText(code, statement.start, statement.end);
    const sourceLine = lineOf(statement.start);
    if (statement.type === 'VariableDeclaration') {
      for (const declarator of statement.declarations as AnyNode[]) {
        const id = declarator.id as AnyNode;
        const init = declarator.init as AnyNode | null;
        if (requiresExporter(init) && id.type === 'Identifier') namespaces.add((id as Identifier).name);
        const fromNamespace = init?.type === 'Identifier' && namespaces.has((init as Identifier).name);
        if ((requiresExporter(init) || fromNamespace) && id.type === 'ObjectPattern') {
          for (const name of patternKeys(id)) copies.push({ name, line: sourceLine, text, at: statement.start });
        }
      }
    }
    // Member reads outside functions ran once, at startup: `require('./x').name`, `x.name`.
    visitOutsideFunctions(statement, (node) => {
      if (node.type !== 'MemberExpression' || node.computed) return;
      const object = node.object as AnyNode;
      const fromExporter =
        requiresExporter(object) || (object.type === 'Identifier' && namespaces.has((object as Identifier).name));
      if (fromExporter) {
        copies.push({ name: String((node.property as Identifier).name), line: sourceLine, text, at: statement.start });
      }
    });
  }
  return copies;
}

/** The property names an object pattern takes (`{ a, b: c }`: a and b); computed keys are left out. */
function patternKeys(pattern: AnyNode): string[] {
  return (pattern.properties as AnyNode[]).flatMap((property) => {
    if (property.type !== 'Property' || property.computed) return [];
    const key = property.key as AnyNode;
    return key.type === 'Identifier' ? [String((key as Identifier).name)] : [];
  });
}

function visitOutsideFunctions(node: AnyNode, visit: (node: AnyNode) => void): void {
  visit(node);
  for (const child of childrenOf(node)) {
    if (isFunction(child) || child.type === 'ClassBody') continue;
    visitOutsideFunctions(child, visit);
  }
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}
