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
      (ts.isExportDeclaration(statement) && !exportsNothing(statement)) ||
      ts.isExportAssignment(statement) ||
      (ts.canHaveModifiers(statement) &&
        (ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false)),
  );
}

/** `export {}`: written to make a file a module, it names nothing. */
function exportsNothing(statement: ts.ExportDeclaration): boolean {
  const clause = statement.exportClause;
  return !!clause && ts.isNamedExports(clause) && clause.elements.length === 0;
}

/** What a file imports of the project, resolved, and whether it is type-only (once asked); kept for its text. */
interface FileImports {
  text: string;
  imported: string[];
  typeOnly?: boolean;
}

/** Where files are read and resolved: the disk, or memory in tests. */
export type FilesHost = Pick<ts.ModuleResolutionHost, 'fileExists' | 'readFile'>;

/**
 * Those of `candidates` (source files of running modules) that import `typeFile`, directly or
 * through type-only files.
 */
export function typeDependents(typeFile: string, candidates: readonly string[], host: FilesHost = ts.sys): string[] {
  return new TypeDependents(host).of(typeFile, candidates);
}

/**
 * typeDependents, asked at every save of a module whose exports may type other modules' state:
 * what each file imports, and whether it is type-only, kept while its text is the same, and its
 * imports resolved with one resolution cache, as the analysis keeps its own (language-service.ts).
 * Made anew at each save, the import graph of an app of three modules cost each save 1–1.5 ms,
 * its first 4.5 (issue 13).
 */
export class TypeDependents {
  readonly #paths = new ProjectPaths(ANALYSIS_OPTIONS);
  readonly #read = new Map<string, FileImports>();

  constructor(private readonly host: FilesHost = ts.sys) {}

  of(typeFile: string, candidates: readonly string[]): string[] {
    const target = normalize(typeFile);
    // Each file read once a call: its text decides whether what is kept of it still holds.
    const thisCall = new Map<string, FileImports | undefined>();
    const read = (file: string) => {
      if (!thisCall.has(file)) thisCall.set(file, this.#readFile(file));
      return thisCall.get(file);
    };
    return candidates.filter((candidate) => {
      const queue = [normalize(candidate)];
      const seen = new Set(queue);
      for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
        for (const imported of read(file)?.imported ?? []) {
          if (imported === target) return true;
          if (seen.has(imported)) continue;
          seen.add(imported);
          if (this.#typeOnly(imported, read(imported))) queue.push(imported);
        }
      }
      return false;
    });
  }

  /** Whether `file` (read as `read`) is type-only: asked of the files a candidate imports, not of every candidate. */
  #typeOnly(file: string, read: FileImports | undefined): boolean {
    if (!read) return false;
    read.typeOnly ??= isTypeOnlySource(file, read.text);
    return read.typeOnly;
  }

  /** The project files `file` imports, resolved as the analysis resolves them. */
  #readFile(file: string): FileImports | undefined {
    const text = this.host.readFile(file);
    if (text === undefined) {
      this.#read.delete(file);
      return undefined;
    }
    const known = this.#read.get(file);
    if (known?.text === text) return known;
    const imported: string[] = [];
    let unresolved = false;
    const { options, cache } = this.#paths.for(file);
    for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
      // A relative import the cache says leads nowhere is looked for again: its file may be new.
      const resolvedModule =
        ts.resolveModuleName(fileName, file, options, this.host, cache).resolvedModule ??
        (fileName.startsWith('.')
          ? ts.resolveModuleName(fileName, file, options, this.host).resolvedModule
          : undefined);
      if (!resolvedModule) unresolved ||= fileName.startsWith('.');
      else if (!resolvedModule.isExternalLibraryImport) imported.push(normalize(resolvedModule.resolvedFileName));
    }
    const entry: FileImports = { text, imported };
    // Not kept while a relative import leads nowhere: read again, it may lead to a file made since.
    if (unresolved) this.#read.delete(file);
    else this.#read.set(file, entry);
    return entry;
  }
}
