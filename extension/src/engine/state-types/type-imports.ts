/**
 * Type-only files (an interface file such as `cat.interface.ts`) compile to nothing: no app
 * ever loads them, yet a change to one is a change to every state typed with it. This finds
 * them, and the modules that import one, directly or through other type-only files.
 */
import ts from 'typescript';
import { ANALYSIS_OPTIONS, normalize } from './language-service';
import { ProjectPaths } from './project-paths';

/**
 * Nothing in the file survives compilation: interfaces, type aliases, ambient declarations,
 * type exports and imports. (A side-effect import, an enum or any value is code.)
 */
export function isTypeOnlySource(fileName: string, text: string): boolean {
  const sourceFile = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false);
  return sourceFile.statements.every(isTypeOnlyStatement);
}

function isTypeOnlyStatement(statement: ts.Statement): boolean {
  if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) return true;
  if (
    ts.canHaveModifiers(statement) &&
    ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)
  ) {
    return true;
  }
  // Imports without a binding run the imported module; with bindings, a file of types uses
  // them as types only, and the compiler drops them.
  if (ts.isImportDeclaration(statement)) return statement.importClause !== undefined;
  if (ts.isImportEqualsDeclaration(statement)) return statement.isTypeOnly;
  if (ts.isExportDeclaration(statement)) {
    if (statement.isTypeOnly) return true;
    const clause = statement.exportClause;
    return !!clause && ts.isNamedExports(clause) && clause.elements.every((e) => e.isTypeOnly);
  }
  return ts.isEmptyStatement(statement);
}

/**
 * The file exports a name other modules may type their state with: a type (an interface, a
 * type alias such as `export type Todo = z.infer<typeof TodoSchema>`, a class, an enum), or a
 * value a type reaches through `typeof` (`todos: Array<ReturnType<typeof makeTodo>>`,
 * `z.infer<typeof TodoSchema>` written in the importer). Its saves then compare the state types
 * of the running modules that import it (type-file-saves.ts). Only a file that exports nothing
 * (an entry, a script) shapes no other module's state.
 */
export function exportsTypeSources(sourceFile: ts.SourceFile): boolean {
  return sourceFile.statements.some(
    (statement) =>
      ts.isExportDeclaration(statement) ||
      ts.isExportAssignment(statement) ||
      (ts.canHaveModifiers(statement) &&
        (ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false)),
  );
}

/** Where files are read and resolved: the disk, or memory in tests. */
export type FilesHost = Pick<ts.ModuleResolutionHost, 'fileExists' | 'readFile'>;

/**
 * Those of `candidates` (source files of running modules) that import `typeFile`, directly or
 * through type-only files.
 */
export function typeDependents(typeFile: string, candidates: readonly string[], host: FilesHost = ts.sys): string[] {
  const target = normalize(typeFile);
  const readText = (file: string) => host.readFile(file);
  const imports = new ImportGraph(host);
  return candidates.filter((candidate) => {
    const queue = [normalize(candidate)];
    const seen = new Set(queue);
    for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
      for (const imported of imports.of(file)) {
        if (imported === target) return true;
        if (seen.has(imported)) continue;
        seen.add(imported);
        const text = readText(imported);
        if (text !== undefined && isTypeOnlySource(imported, text)) queue.push(imported);
      }
    }
    return false;
  });
}

/** The project files each file imports, resolved as the analysis resolves them. */
class ImportGraph {
  readonly #imports = new Map<string, string[]>();
  readonly #paths = new ProjectPaths(ANALYSIS_OPTIONS);

  constructor(private readonly host: FilesHost) {}

  of(file: string): string[] {
    let imported = this.#imports.get(file);
    if (imported) return imported;
    const text = this.host.readFile(file);
    imported = [];
    const { options, cache } = this.#paths.for(file);
    for (const { fileName } of text === undefined ? [] : ts.preProcessFile(text, true, true).importedFiles) {
      const { resolvedModule } = ts.resolveModuleName(fileName, file, options, this.host, cache);
      if (resolvedModule && !resolvedModule.isExternalLibraryImport) {
        imported.push(normalize(resolvedModule.resolvedFileName));
      }
    }
    this.#imports.set(file, imported);
    return imported;
  }
}
