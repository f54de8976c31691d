/**
 * One incremental TypeScript LanguageService over documents held in memory (the saved text,
 * old versions' sources), with every other file read from disk. After an edit only the edited
 * file is parsed again; lib and unchanged files are reused, which is what keeps an analysis
 * after a save in the tens of milliseconds.
 */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import ts from 'typescript';
import { ProjectPaths } from './project-paths';

/** Small and fast: the ES2022 lib only (no DOM), strict, no @types packages pulled in. */
export const ANALYSIS_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts'],
  module: ts.ModuleKind.Preserve,
  // Resolves extensionless and `.js` relative imports to .ts files and follows `exports`.
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  // Each file its own scope even without import/export (`require` style): else the old and new
  // versions of a script would merge their `interface State` declarations.
  moduleDetection: ts.ModuleDetectionKind.Force,
  allowJs: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
};

/**
 * JSDoc is read where it gives types, in JavaScript files, and skipped in TypeScript files and
 * the lib's .d.ts, where it is documentation only: the ES2022 lib's comments were ≈60 of the
 * ≈225 ms a cold analysis spends creating its first program (a `hotpatch load`, the editor's
 * warm-up). Nothing here reads documentation.
 */
const JSDOC_PARSING = ts.JSDocParsingMode.ParseForTypeInfo;

/**
 * A store of parsed files that services can share: a service made anew (a load server's for
 * each load, load-server/server.ts) reuses the parses other services still hold (the lib's),
 * and parses the rest.
 */
export function createAnalysisRegistry(): ts.DocumentRegistry {
  return ts.createDocumentRegistry(ts.sys.useCaseSensitiveFileNames, process.cwd(), JSDOC_PARSING);
}

interface Document {
  text: string;
  version: number;
  snapshot: ts.IScriptSnapshot;
  /** The same for the same text, whenever it was set (see worldKey). */
  textId: number;
}

export class DocumentService {
  readonly #documents = new Map<string, Document>();
  /**
   * Versions are numbered across documents, never per document: a document dropped (closed, or
   * past maxDocuments) and set again must not come back with a version the service already
   * holds a parse of, or it would analyse that old text.
   */
  #lastVersion = 0;
  /** Files read from disk, by path, with the mtime they were read at. */
  readonly #disk = new Map<string, { mtime: number; snapshot: ts.IScriptSnapshot | undefined }>();
  /** How many times a file read from disk was found changed there: part of worldKey. */
  #diskChanges = 0;
  /** An id per document text (see worldKey); ids are never reused, so forgetting them only costs a miss. */
  readonly #textIds = new Map<string, number>();
  #lastTextId = 0;
  /** The mtimes of the files looked at on disk in this turn of the event loop (see #mtime). */
  #mtimesThisTurn: Map<string, number> | undefined;
  readonly #service: ts.LanguageService;

  constructor(
    options: ts.CompilerOptions = ANALYSIS_OPTIONS,
    /** Old documents beyond this many are dropped (each saved version adds a virtual one). */
    private readonly maxDocuments = 32,
    /** Where parsed files are kept: one shared with other services reuses their parses (the lib's). */
    registry: ts.DocumentRegistry = createAnalysisRegistry(),
  ) {
    const documents = this.#documents;
    const paths = new ProjectPaths(options);
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => options,
      getScriptFileNames: () => [...documents.keys()],
      getScriptVersion: (file) => {
        const document = documents.get(file);
        return document ? `document ${document.version}` : `disk ${this.#readDisk(file).mtime}`;
      },
      getScriptSnapshot: (file) => documents.get(file)?.snapshot ?? this.#readDisk(file).snapshot,
      getCurrentDirectory: () => process.cwd(),
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (file) => documents.has(file) || ts.sys.fileExists(file),
      readFile: (file, encoding) => documents.get(file)?.text ?? ts.sys.readFile(file, encoding),
      // Resolution skips directories that do not exist: a document may live in one that doesn't.
      directoryExists: (dir) => this.#holdsDocuments(dir) || ts.sys.directoryExists(dir),
      getDirectories: (dir) => ts.sys.getDirectories(dir),
      readDirectory: (...args) => ts.sys.readDirectory(...args),
      realpath: (file) => (documents.has(file) ? file : (ts.sys.realpath?.(file) ?? file)),
      useCaseSensitiveFileNames: () => ts.sys.useCaseSensitiveFileNames,
      jsDocParsingMode: JSDOC_PARSING,
      // Each file's imports as its project resolves them (`@/types/task`): see project-paths.ts.
      resolveModuleNameLiterals: (literals, containingFile, _redirected, compilerOptions, sourceFile) => {
        const { options: resolving, cache } = paths.for(containingFile);
        return literals.map((literal) => {
          const mode = ts.getModeForUsageLocation(sourceFile, literal, compilerOptions);
          return ts.resolveModuleName(literal.text, containingFile, resolving, host, cache, undefined, mode);
        });
      },
    };
    this.#service = ts.createLanguageService(host, registry);
  }

  /** Sets a document's text (a no-op when unchanged, so its parse is kept). */
  set(fileName: string, text: string): string {
    const file = normalize(fileName);
    const existing = this.#documents.get(file);
    this.#documents.delete(file);
    if (existing?.text === text) {
      this.#documents.set(file, existing);
    } else {
      const version = ++this.#lastVersion;
      const textId = this.#textIdOf(text);
      this.#documents.set(file, { text, version, snapshot: ts.ScriptSnapshot.fromString(text), textId });
    }
    // Least recently set first: those are old versions' sources nobody asks about anymore.
    for (const oldest of this.#documents.keys()) {
      if (this.#documents.size <= this.maxDocuments) break;
      this.#documents.delete(oldest);
    }
    return file;
  }

  delete(fileName: string): void {
    this.#documents.delete(normalize(fileName));
  }

  /**
   * What an analysis made now reads, as a string: each document's name and text, and how many
   * files read from disk have changed there (each one is looked at again). Two analyses of a
   * file made under the same key see the same program, however the documents came and went
   * between them (a save's analysis drops and sets documents again; the same text set again is
   * a new version to TypeScript, so its program is built anew). Beyond what this says, an
   * analysis depends only on what TypeScript's own program reuse does not look at again either:
   * the imports of a file that did not change stay resolved as they were.
   */
  worldKey(): string {
    for (const file of this.#disk.keys()) this.#readDisk(file);
    const documents = [...this.#documents].map(([file, document]) => `${file}\0${document.textId}`).sort();
    return `${documents.join('\n')}\n${this.#diskChanges}`;
  }

  /** The up-to-date program (only what changed is parsed again) and the file in it. */
  program(file: string): { program: ts.Program; sourceFile: ts.SourceFile } {
    const program = this.#service.getProgram();
    const sourceFile = program?.getSourceFile(file);
    if (!program || !sourceFile) throw new Error(`state types: ${file} is not in the program`);
    return { program, sourceFile };
  }

  dispose(): void {
    this.#service.dispose();
    this.#documents.clear();
    this.#disk.clear();
    this.#textIds.clear();
  }

  #readDisk(file: string): { mtime: number; snapshot: ts.IScriptSnapshot | undefined } {
    const mtime = this.#mtime(file);
    const cached = this.#disk.get(file);
    if (cached?.mtime === mtime) return cached;
    if (cached) this.#diskChanges++;
    const text = mtime < 0 ? undefined : ts.sys.readFile(file);
    const entry = { mtime, snapshot: text === undefined ? undefined : ts.ScriptSnapshot.fromString(text) };
    this.#disk.set(file, entry);
    return entry;
  }

  /**
   * A disk file's mtime (-1: missing), looked at once in a turn of the event loop. One program
   * update asked for each file's version and snapshot, three stats, and a save's analysis updates
   * the program twice (servers, then holders): with a NestJS app's few hundred declaration
   * files, those stats were 40% of the analysis. An analysis runs within one turn, and sees one
   * picture of the disk.
   */
  #mtime(file: string): number {
    if (this.#mtimesThisTurn === undefined) {
      const mtimes = (this.#mtimesThisTurn = new Map());
      queueMicrotask(() => {
        if (this.#mtimesThisTurn === mtimes) this.#mtimesThisTurn = undefined;
      });
    }
    let mtime = this.#mtimesThisTurn.get(file);
    if (mtime === undefined) {
      try {
        mtime = statSync(file).mtimeMs;
      } catch {
        mtime = -1; // missing: no snapshot
      }
      this.#mtimesThisTurn.set(file, mtime);
    }
    return mtime;
  }

  #textIdOf(text: string): number {
    let id = this.#textIds.get(text);
    if (id === undefined) {
      // Texts typed one after another: the oldest ids go, as their documents do.
      if (this.#textIds.size >= 4 * this.maxDocuments) this.#textIds.delete(this.#textIds.keys().next().value!);
      this.#textIds.set(text, (id = ++this.#lastTextId));
    }
    return id;
  }

  #holdsDocuments(dir: string): boolean {
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    for (const file of this.#documents.keys()) if (file.startsWith(prefix)) return true;
    return false;
  }
}

/** Absolute, forward slashes: the form TypeScript uses for file names. */
export function normalize(fileName: string): string {
  return resolve(fileName).replace(/\\/g, '/');
}

/** Where the old version of `file` is analysed: beside it, so its relative imports resolve. */
export function oldVersionFileName(file: string, version: number | string): string {
  const real = normalize(file);
  const name = real.slice(dirname(real).length + 1);
  // A vsn is the author's string: keep it to characters every file system takes.
  return `${dirname(real)}/.hotpatch-v${String(version).replace(/[^\w.-]/g, '_')}-${name}`;
}
