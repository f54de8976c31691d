/**
 * A CommonJS module's export given a new value (a statement like `exports.typeDefs = …` ran
 * again) is on its exports object from now on: code that reads `require('./x').typeDefs` at
 * each use sees it. A module that copied the export once, at startup, keeps the old value:
 * `const { typeDefs } = require('./type-defs')`, `const schema = require('./schema').schema`,
 * `const { limit } = defs` after `const defs = require('./type-defs')`, or a top-level statement
 * reading it (`createSchema({ typeDefs: defs.typeDefs })`) that is not run again. A GraphQL
 * schema built at startup from changed type definitions said ✓ and changed nothing. Those
 * copies are reported, naming the module and line, with a restart; a route added with the old
 * value (`router.get('/x', validate(rules.title), …)`) is added again with the new one, and a
 * `const` that only took exports (`const { DEFAULT_STATUS } = require('./constants')`) runs
 * again and takes the new value (route-rebuild.ts), as a restart would.
 *
 * Functions and classes are not copies that go stale: importers hold a trampoline or the class
 * itself, both of which follow the newest version (stable-exports.ts); nor are servers'
 * definitions (defineServer). ES module importers hold live bindings.
 */
import Module from 'node:module';
import { relative } from 'node:path';
import type { Identifier, Program } from 'acorn';
import { ServerDefinition } from '../processes/define-server';
import { isClass, isPlainFunction } from './stable-exports';
import type { HotModule } from './module-version';
import type { StaleImport } from './import-reads';
import { sourceLines } from './original-source';
import { acorn } from './live/parsers';
import { HP } from './live/instrument';
import { commonJsStatements, isFunction, lineIndex } from './live/program';
import { isNamed, statementQuote } from './live/stale-reads';
import { childrenOf, type AnyNode } from './live/walk';

/** The export names whose values `next` replaced, where an importer's copy would keep the old one. */
export function replacedExports(previous: unknown, next: unknown): string[] {
  if (!isObject(previous) || !isObject(next)) return [];
  return Object.keys(next).filter((name) => {
    const value = (next as Record<string, unknown>)[name];
    const before = (previous as Record<string, unknown>)[name];
    return before !== UNREAD && goesStale(value) && !alike(before, value);
  });
}

/**
 * The values `exports` holds now, read into a plain object: a getter's (`__export`'s, for a
 * module esbuild or tsx compiled) reads the module's binding, which a load rebinds. A getter
 * that throws (a binding not initialised) gives UNREAD.
 */
export function exportedValues(exports: unknown): Record<string, unknown> | undefined {
  if (!isObject(exports)) return undefined;
  const values: Record<string, unknown> = {};
  for (const name of Object.keys(exports)) {
    try {
      values[name] = (exports as Record<string, unknown>)[name];
    } catch {
      values[name] = UNREAD;
    }
  }
  return values;
}

/** The value exportedValues gives an export it could not read: replacedExports leaves it out, as it knows no old value. */
const UNREAD = Symbol('hotpatch.unread');

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
 * with the same keys whose values are alike. A statement run again for a changed parameter list
 * (`label: () => …` becoming `label: ({ context }) => …`) makes a new object of new functions,
 * but the old functions forward their calls to the new bodies: alike, where the old function is
 * the module's own code (forwardsCalls), not one a library made.
 */
export function alike(before: unknown, after: unknown, depth = 0): boolean {
  if (Object.is(before, after)) return true;
  if (typeof before === 'function' && typeof after === 'function') return !isClass(after) && forwardsCalls(before);
  if (!isPlainData(before) || !isPlainData(after) || depth >= ALIKE_DEPTH) return false;
  const keys = Object.keys(after);
  if (keys.length !== Object.keys(before).length) return false;
  return keys.every(
    (key) => Object.hasOwn(before, key) && alike(Reflect.get(before, key), Reflect.get(after, key), depth + 1),
  );
}

/**
 * Whether calls of `fn` go to the newest body of its function: a function of a live module's
 * code, whose every body begins by forwarding to the newest one (live/instrument.ts writes that
 * prologue, `__hotpatch$.call(…)` or `.construct(…)`, into each). A function a library made at
 * startup does not: a tRPC procedure (`publicProcedure.input(schema).query(…)`) keeps the schema
 * it was built with, and a router holding the old ones, copied by the app router, said ✓ for a
 * new schema.
 */
function forwardsCalls(fn: Function): boolean {
  const code = Function.prototype.toString.call(fn);
  return FORWARDING.some((forwarding) => code.includes(forwarding));
}
const FORWARDING = [`${HP}.call(`, `${HP}.construct(`];

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
      found.reads.push({ importer, statement: statementAt(importer, copy.at), takesExports: copy.takesExports });
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
  /** Whether that statement is a `const` that only takes exports of the module (takesOnlyExports). */
  takesExports: boolean;
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
  /**
   * Whether `node` is `require('<a path that resolves to the exporter>')`, or esbuild's (tsx's)
   * `__toESM(require(…))` for a default or namespace import.
   */
  const requiresExporter = (node: AnyNode | null | undefined): boolean => {
    if (node?.type !== 'CallExpression') return false;
    const wrapped = (node.arguments as AnyNode[])[0];
    if (isNamed(node.callee as AnyNode, '__toESM') && wrapped) return requiresExporter(wrapped);
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
  const quote = statementQuote(code, importer.current.source, lineOf);
  const copies: Copy[] = [];
  const namespaces = new Set<string>();
  const fromNamespace = (node: AnyNode | null | undefined): boolean =>
    node?.type === 'Identifier' && namespaces.has((node as Identifier).name);
  // tsx's CommonJS runs the module's statements inside a function of its own: they are the top level.
  for (const statement of commonJsStatements(program as unknown as Program)) {
    const text = quote(statement.start, statement.end);
    const sourceLine = lineOf(statement.start);
    const takesExports = takesOnlyExports(statement, (node) => requiresExporter(node) || fromNamespace(node));
    if (statement.type === 'VariableDeclaration') {
      for (const declarator of statement.declarations as AnyNode[]) {
        const id = declarator.id as AnyNode;
        const init = declarator.init as AnyNode | null;
        if (requiresExporter(init) && id.type === 'Identifier') namespaces.add((id as Identifier).name);
        if ((requiresExporter(init) || fromNamespace(init)) && id.type === 'ObjectPattern') {
          for (const name of patternKeys(id))
            copies.push({ name, line: sourceLine, text, at: statement.start, takesExports });
        }
      }
    }
    // Member reads outside functions ran once, at startup: `require('./x').name`, `x.name`.
    visitOutsideFunctions(statement, (node) => {
      if (node.type !== 'MemberExpression' || node.computed) return;
      const object = node.object as AnyNode;
      if (requiresExporter(object) || fromNamespace(object)) {
        const name = String((node.property as Identifier).name);
        copies.push({ name, line: sourceLine, text, at: statement.start, takesExports });
      }
    });
  }
  return copies;
}

/**
 * Whether `statement` is a `const` each of whose declarations only takes the module's exports
 * (`exporter` says which code is the module: its `require(…)`, or a name bound to it):
 * `const { a, b: c } = require('./x')`, `const d = require('./x').d`, `const { e } = x`. Run
 * again, it reads the exports as they are now and runs none of the app's code: `require` of a
 * loaded module returns it. A `let` or `var` may have been assigned since: the app's own.
 */
function takesOnlyExports(statement: AnyNode, exporter: (node: AnyNode | null | undefined) => boolean): boolean {
  if (statement.type !== 'VariableDeclaration' || statement.kind !== 'const') return false;
  return (statement.declarations as AnyNode[]).every((declarator) => {
    const id = declarator.id as AnyNode;
    const init = declarator.init as AnyNode | null;
    if (id.type === 'ObjectPattern') return exporter(init) && (id.properties as AnyNode[]).every(takesAsItIs);
    if (id.type !== 'Identifier' || init === null) return false;
    // `const x = require('./x')`: the module itself, the same object when run again.
    if (exporter(init)) return true;
    return init.type === 'MemberExpression' && !init.computed && !init.optional && exporter(init.object as AnyNode);
  });
}

/** A pattern's property that binds the value as it is: `a`, `b: c` (no default, which may run code; no rest, which copies). */
function takesAsItIs(property: AnyNode): boolean {
  return property.type === 'Property' && !property.computed && (property.value as AnyNode).type === 'Identifier';
}

/** The property names an object pattern takes (`{ a, b: c }`: a and b); computed keys are left out. */
function patternKeys(pattern: AnyNode): string[] {
  return (pattern.properties as AnyNode[]).flatMap((property) => {
    if (property.type !== 'Property' || property.computed) return [];
    const key = property.key as AnyNode;
    return key.type === 'Identifier' ? [String((key as Identifier).name)] : [];
  });
}

/** Visits what runs as the statement runs: a function's body runs when called (a top-level declaration's too). */
function visitOutsideFunctions(node: AnyNode, visit: (node: AnyNode) => void): void {
  if (isFunction(node) || node.type === 'ClassBody') return;
  visit(node);
  for (const child of childrenOf(node)) visitOutsideFunctions(child, visit);
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}
