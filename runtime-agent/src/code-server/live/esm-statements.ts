/**
 * The statements of an ES module's later version that CommonJS has no counterpart of, as the
 * patch evaluates them (see patch.ts): imports, export lists, re-exports, a default export.
 */
import type { Identifier } from 'acorn';
import { Mapped } from './edits';
import { summaryOf, type Digest } from './digest';
import { HP } from './instrument';
import type { Patch, PatchReport } from './patch';
import type { ProgramModel, TopStatement } from './program';
import type { AnyNode } from './walk';

/** What the patch being built shares with these statements. */
export interface EsmPatch {
  model: ProgramModel;
  old: Digest;
  report: PatchReport;
  /** Imports to fetch before the version runs (filled here). */
  imports: Patch['imports'];
}

/**
 * The evaluated form of an ES module statement; undefined for a statement evaluated as
 * CommonJS ones are (declarations, expressions). `keptWithNewBodies` renders a statement not
 * run again, with the functions in it whose code changed.
 */
export function esmStatement(
  patch: EsmPatch,
  statement: TopStatement,
  matched: boolean,
  index: number,
  keptWithNewBodies: (node: AnyNode) => Mapped,
): Mapped | undefined {
  const { node } = statement;
  const { report } = patch;
  const blank = (): Mapped => new Mapped().blank(patch.model.code, node.start, node.end);
  if (node.type === 'ImportDeclaration') {
    const specifier = String((node.source as AnyNode).value);
    if (matched) {
      report.kept += 1;
      // `import * as ns` of a module of the app: the namespace made at startup has the names
      // the module had then; this version reads the module's current face (its new exports too).
      const namespace = (node.specifiers as AnyNode[]).find((s) => s.type === 'ImportNamespaceSpecifier');
      if (!namespace || !isLocalSpecifier(specifier)) return blank();
      patch.imports.push({ index, specifier, line: statement.line });
      const local = (namespace.local as Identifier).name;
      return new Mapped().add(`${HP}.bindImport(${index},${JSON.stringify([[local, '*']])});`).append(blank());
    }
    // A new or changed import: its module is imported before this version runs (see esm-versions.ts).
    patch.imports.push({ index, specifier, line: statement.line });
    const names = (node.specifiers as AnyNode[]).map((s): [string, string] => [
      (s.local as Identifier).name,
      s.type === 'ImportNamespaceSpecifier'
        ? '*'
        : s.type === 'ImportDefaultSpecifier'
          ? 'default'
          : String((s.imported as AnyNode).name ?? (s.imported as AnyNode).value),
    ]);
    for (const [local] of names) (patch.old.bindings.has(local) ? report.rebound : report.added).push(local);
    return new Mapped().add(`${HP}.bindImport(${index},${JSON.stringify(names)});`).append(blank());
  }
  if (node.type === 'ExportNamedDeclaration' || node.type === 'ExportAllDeclaration') {
    if (matched) report.kept += 1;
    else if (node.source) {
      report.notApplied.push(
        `line ${statement.line} (${summaryOf(statement.shape)}): what an ES module re-exports from another is fixed when it is first imported; restart to apply this change`,
      );
    }
    return blank(); // a local export list: its names are compared as a whole (see reportNewExports)
  }
  if (node.type === 'ExportDefaultDeclaration') {
    if (matched) {
      report.kept += 1;
    } else {
      report.notApplied.push(
        `line ${statement.line}: the default export's new value (${summaryOf(statement.shape)}) is not applied in place: ` +
          'it is not held in a variable a later version can assign; restart to apply it',
      );
    }
    return keptWithNewBodies(node);
  }
  return undefined;
}

/** Exports the running module does not have: later loads of modules that import them get them. */
export function reportNewExports(model: ProgramModel, old: Digest, report: PatchReport): void {
  for (const [name, local] of model.exports) {
    if (old.exports.has(name) || name === '*' || local === undefined || report.added.includes(local)) continue;
    report.added.push(name);
  }
}

/** A relative or absolute specifier: one that can name a module of the app (a bare one names a package). */
function isLocalSpecifier(specifier: string): boolean {
  return specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:');
}
