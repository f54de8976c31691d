/**
 * An ES module's export given a new value reaches its importers through their live bindings:
 * a function that reads `CreateTodo` at each call gets the new schema. A top-level statement
 * of an importer ran once, at startup, and keeps what it made of the old value:
 * `todosRouter.post('/', validateBody(CreateTodo), …)` made its middleware from the old zod
 * schema, `new TtlCache(config.ttlMs)` read the old setting. A stricter schema said ✓ and
 * validated with the old one. Those reads are reported, naming the module and line, with a
 * restart, as export-copies.ts does for CommonJS copies.
 *
 * Importers are the other hot ES modules whose `import` names the exporter by a relative path
 * (a TypeScript loader's `./x.js` for `x.ts` included); an import through a path alias or a
 * package name is not followed. Reads are found by scope analysis (live/program.ts), the way a
 * module's own stale reads are (live/stale-reads.ts): outside functions, or in a router
 * factory's or plugin's registrations, which ran once.
 */
import { basename, dirname, extname, relative, resolve } from 'node:path';
import type { HotModule } from './module-version';
import { alike, goesStale, perRunningVersion, replacedExports } from './export-copies';
import { sourceLines } from './original-source';
import { readProgram, type LiveFunction, type ProgramModel } from './live/program';
import { propertyRead, startupReader } from './live/stale-reads';
import { isPlainConstant } from './live/derived-constants';
import type { AnyNode } from './live/walk';

/** One read of an export at startup: `property` when the code read `name.property` there. */
interface ImportRead {
  name: string;
  property: string | undefined;
  where: string;
  /** The index of the top-level statement that read it; none for a read in a factory's registrations. */
  statement: number | undefined;
  /** That statement is a constant computed from plain reads (`const ROLES = Object.values(Role)`): run again, it takes the new value. */
  takesExports: boolean;
}

/** An export with a new value that importers read at startup: the note, and the reads. */
export interface StaleImport {
  name: string;
  note: string;
  reads: Array<{
    importer: HotModule;
    statement: number | undefined;
    /**
     * The statement is a `const` that only takes exports of the module (`const { limit } =
     * require('./config')`, export-copies.ts) or computes a constant from plain reads of them
     * (`const ROLES = Object.values(Role)`): run again, it takes the new value, as a restart would.
     */
    takesExports?: boolean;
  }>;
}

/** The exports whose new value differs from the old one (by name, with the old value). */
export type ReplacedValues = ReadonlyMap<string, unknown>;

/** The exports of `next` that replace a different value in `previous`, with that value (read now: `previous` may follow). */
export function replacedValues(previous: unknown, next: unknown): ReplacedValues {
  try {
    return new Map(replacedExports(previous, next).map((name) => [name, Reflect.get(previous as object, name)]));
  } catch {
    // A binding read before its declaration ran (a module whose top level threw): nothing to compare.
    return new Map();
  }
}

/**
 * What the other hot ES modules read of `exporter`'s `replaced` exports at startup, export by
 * export: the report's note and where each read is; `next` gives an export's new value. `root`:
 * what the paths in the notes are relative to.
 */
export function staleImportReads(
  exporter: HotModule,
  replaced: ReplacedValues,
  next: (name: string) => unknown,
  modules: Iterable<HotModule>,
  root: string,
): StaleImport[] {
  if (replaced.size === 0) return [];
  const found = new Map<string, { where: string[]; reads: StaleImport['reads'] }>();
  for (const importer of importersOf(exporter, modules)) {
    for (const read of readsIn(importer, exporter.file)) {
      if (!replaced.has(read.name)) continue;
      // `config.pageSize` read at startup is stale only when pageSize itself changed.
      const before = propertyOf(replaced.get(read.name), read.property);
      if (read.property !== undefined && alike(before, propertyOf(next(read.name), read.property))) continue;
      const stale = found.get(read.name) ?? { where: [], reads: [] };
      stale.where.push(`${relative(root, importer.file)} ${read.where}`);
      stale.reads.push({ importer, statement: read.statement, takesExports: read.takesExports });
      found.set(read.name, stale);
    }
  }
  return [...found].map(([name, { where, reads }]) => ({
    name,
    note:
      `${name} has a new value, but ${where.join(', ')} read it once, at startup, and keeps the old one; ` +
      'restart the app to apply it there',
    reads,
  }));
}

/**
 * Reads now what the importers of `exporter` read of it at startup (kept per running version):
 * a first save's commit would parse each importer while the app waits (agent/warm calls this).
 */
export function readImportsOfImporters(exporter: HotModule, modules: Iterable<HotModule>): void {
  // A module that exports only functions and classes has nothing whose reads go stale.
  if (!exportsValues(exporter.current.exports)) return;
  for (const importer of importersOf(exporter, modules)) readsIn(importer, exporter.file);
}

function exportsValues(namespace: unknown): boolean {
  try {
    return Object.values(namespace as object).some(goesStale);
  } catch {
    return true; // a binding not initialised: read the importers, as a commit would
  }
}

/**
 * The other hot ES modules that may import `exporter`: those whose code has its file's name in
 * it. Only a filter, so that a save does not parse every module of the app; whether one imports
 * it, and what it reads, the parser says (readReads).
 */
function* importersOf(exporter: HotModule, modules: Iterable<HotModule>): Iterable<HotModule> {
  if (exporter.format !== 'esm') return;
  const name = basename(withoutExtension(exporter.file));
  for (const importer of modules) {
    if (importer !== exporter && importer.format === 'esm' && importer.current.code.includes(name)) yield importer;
  }
}

/** What `importer`'s running version read of `exporterFile` at startup. */
const readsIn = perRunningVersion(readReads);

function readReads(importer: HotModule, exporterFile: string): ImportRead[] {
  const code = importer.current.code;
  let model: ProgramModel;
  try {
    model = readProgram(code, sourceLines(importer.file, code), 'esm');
  } catch {
    return [];
  }
  // Local name → exported name, for the imports of the exporter.
  const imported = new Map<string, string>();
  for (const statement of model.body) {
    if (statement.type !== 'ImportDeclaration') continue;
    const specifier = String((statement.source as AnyNode).value);
    if (!namesFile(importer.file, specifier, exporterFile)) continue;
    for (const part of statement.specifiers as AnyNode[]) {
      const local = String((part.local as AnyNode).name);
      if (part.type === 'ImportDefaultSpecifier') imported.set(local, 'default');
      if (part.type === 'ImportSpecifier') {
        const name = part.imported as AnyNode;
        imported.set(local, String(name.type === 'Identifier' ? name.name : name.value));
      }
    }
  }
  if (imported.size === 0) return [];
  const kept = new Set(model.statements.map((_, index) => index));
  const functionOf = new Map<AnyNode, LiveFunction>(model.functions.map((f) => [f.node as AnyNode, f]));
  const reads: ImportRead[] = [];
  for (const variable of model.moduleScope.variables) {
    const name = imported.get(variable.name);
    if (name === undefined) continue;
    for (const reference of variable.references) {
      if (!reference.isRead()) continue;
      const identifier = reference.identifier as unknown as AnyNode;
      const block = reference.from.variableScope.block as AnyNode;
      const at = identifier.start;
      const reader = startupReader(model, kept, functionOf, block, at);
      if (!reader) continue;
      const statement =
        block === model.moduleScope.block ? model.body.findIndex((s) => s.start <= at && at < s.end) : undefined;
      const where = `line ${model.lineOf(at)} (${reader.text})`;
      const node = statement === undefined ? undefined : declarationOf(model.body[statement]!);
      const takesExports = node !== undefined && isPlainConstant(node, model);
      reads.push({ name, property: propertyRead(model, identifier), where, statement, takesExports });
    }
  }
  return reads;
}

/** The declaration of a top-level statement, out of its `export` if it has one. */
function declarationOf(statement: AnyNode): AnyNode {
  return statement.type === 'ExportNamedDeclaration' && statement.declaration
    ? (statement.declaration as AnyNode)
    : statement;
}

/** Whether `specifier`, imported by `importerFile`, names `file`: a relative path, its extension aside. */
function namesFile(importerFile: string, specifier: string, file: string): boolean {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return false;
  const target = resolve(dirname(importerFile), specifier);
  return target === file || withoutExtension(target) === withoutExtension(file);
}

const SCRIPT_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.jsx', '.tsx']);

function withoutExtension(file: string): string {
  const extension = extname(file);
  return SCRIPT_EXTENSIONS.has(extension) ? file.slice(0, -extension.length) : file;
}

function propertyOf(value: unknown, property: string | undefined): unknown {
  if (property === undefined) return value;
  return (typeof value === 'object' && value !== null) || typeof value === 'function'
    ? Reflect.get(value, property)
    : undefined;
}
