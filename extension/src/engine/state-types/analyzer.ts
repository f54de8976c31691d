/**
 * The language server's state-type analysis: for each server a module defines, its state
 * type as a canonical form, a hash and the runtime shape the agent checks migrated states
 * against. One incremental LanguageService serves every analysis, so analysing a saved file
 * re-parses that file only.
 */
import { join } from 'node:path';
import type { StateShape } from 'hotpatch-agent/protocol';
import type ts from 'typescript';
import { codeChangeIdentity } from './codechange-replace';
import { findHolders, type HolderSite } from './find-holders';
import { findServers, type ServerSite } from './find-servers';
import { holderStubEdits } from './holder-stub';
import { DocumentService } from './language-service';
import { canonicalShape, shapeHash } from './print-shape';
import { stateTypeOf, type StateType } from './state-type';
import { stubEdits } from './stub';
import { ShapeBuilder } from './to-shape';
import type {
  HolderFieldInfo,
  HolderStateInfo,
  OldHolderVersion,
  OldVersion,
  Position,
  ServerStateInfo,
  TextEdit,
} from './types';

/** What warm() analyses: a server's state, a module variable and a class's field, of the lib's types. */
const WARM_UP_TEXT = `
interface State { items: Array<{ id: number; tags: Set<string>; at: Date }>; byId: Map<string, number> }
declare function defineServer<S>(spec: { init(): S; codeChange?(from: unknown, old: unknown): S }): unknown;
export const server = defineServer<State>({ init: () => ({ items: [], byId: new Map() }) });
let counter: State | undefined;
export class Store { entries: State[] = []; }
`;

export interface StateTypeAnalyzerOptions {
  /** Documents kept in memory at most (old versions' sources add up). Default 32. */
  maxDocuments?: number;
  /** Replaces the analysis options (ES2022 lib, strict, bundler resolution). */
  compilerOptions?: ts.CompilerOptions;
  /** Parsed files shared with other analyzers (createAnalysisRegistry). */
  registry?: ts.DocumentRegistry;
}

/** A server with the syntax and type facts a stub needs. */
export interface AnalyzedServer {
  site: ServerSite;
  state: StateType | undefined;
  info: ServerStateInfo;
}

/** A state holder with the syntax a stub needs. */
export interface AnalyzedHolder {
  site: HolderSite;
  info: HolderStateInfo;
}

/** How many analyses are kept for a later one of the same text under the same documents and disk (see #remembered). */
const REMEMBERED = 64;

export class StateTypeAnalyzer {
  readonly #documents: DocumentService;
  /** The last analyses, by what they read (DocumentService.worldKey), least recently asked for first. */
  readonly #analyses = new Map<string, ServerStateInfo[] | HolderStateInfo[]>();
  readonly #counts = { asked: 0, made: 0 };

  constructor(options: StateTypeAnalyzerOptions = {}) {
    this.#documents = new DocumentService(options.compilerOptions, options.maxDocuments, options.registry);
  }

  /**
   * The servers `text` defines, as if saved under `fileName`. For a version that is not the
   * file on disk (the running version's source), pass a name beside the real file
   * (oldVersionFileName) so its relative imports resolve.
   */
  analyze(fileName: string, text: string): ServerStateInfo[] {
    return this.#remembered('servers', fileName, text, () =>
      this.analyzeServers(fileName, text).servers.map((s) => s.info),
    );
  }

  /** How many analyses (of servers, of holders) were asked for, and how many made, not given again as they were made before. */
  get analyses(): { asked: number; made: number } {
    return { ...this.#counts };
  }

  /** Edits writing a typed codeChange stub converting `old`'s state (none when one exists). */
  codeChangeStubEdits(fileName: string, newText: string, old: OldVersion): TextEdit[] {
    const { sourceFile, servers } = this.analyzeServers(fileName, newText);
    const server = servers.find((s) => s.info.key === old.info.key);
    return server ? stubEdits(sourceFile, server, old) : [];
  }

  /** The state holders `text` has (module variables, class instances), as `analyze` does servers. */
  analyzeHolders(fileName: string, text: string): HolderStateInfo[] {
    return this.#remembered('holders', fileName, text, () => this.holdersOf(fileName, text).holders.map((h) => h.info));
  }

  /**
   * An analysis of `text` as `fileName`, or the one made before under the same documents and
   * disk (DocumentService.worldKey): a save's analysis made while typing paused (read-ahead.ts)
   * is then the save's, ≈30 ms of a TypeScript program built and checked that the save does
   * not spend (issue 13). Its results are data no caller changes.
   */
  #remembered<T extends ServerStateInfo[] | HolderStateInfo[]>(
    kind: 'servers' | 'holders',
    fileName: string,
    text: string,
    analyze: () => T,
  ): T {
    const file = this.#documents.set(fileName, text);
    const key = `${kind}\0${file}\0${this.#documents.worldKey()}`;
    this.#counts.asked++;
    const known = this.#analyses.get(key);
    if (known) {
      // The newest again: a save asks for those its pause made, one for each module importing its types.
      this.#analyses.delete(key);
      this.#analyses.set(key, known);
      return known as T;
    }
    const analysed = analyze();
    this.#counts.made++;
    this.#analyses.set(key, analysed);
    if (this.#analyses.size > REMEMBERED) this.#analyses.delete(this.#analyses.keys().next().value!);
    return analysed;
  }

  /** Edits writing a typed codeChange converting `old`'s holder (none when one exists). */
  holderStubEdits(fileName: string, newText: string, old: OldHolderVersion): TextEdit[] {
    const { sourceFile, holders } = this.holdersOf(fileName, newText);
    const holder = holders.find((h) => h.info.key === old.info.key);
    return holder ? holderStubEdits(sourceFile, holder, old) : [];
  }

  holdersOf(fileName: string, text: string): { sourceFile: ts.SourceFile; holders: AnalyzedHolder[] } {
    const file = this.#documents.set(fileName, text);
    const { program, sourceFile } = this.#documents.program(file);
    const shapes = new ShapeBuilder(program, program.getTypeChecker());
    const range = (node: ts.Node) => rangeOf(sourceFile, node);
    const holders: AnalyzedHolder[] = [];
    for (const site of findHolders(sourceFile, program)) {
      const checker = program.getTypeChecker();
      const fields: HolderFieldInfo[] = [];
      for (const field of site.fields) {
        const shape = shapes.shapeOf(field.type, field.typeNode);
        // Nothing a value check can say about it (a Promise, a handle): not data after all.
        if (shape.type === 'unknown') continue;
        const canonical = canonicalShape(shape);
        const typeName = field.typeNode?.getText(sourceFile) ?? checker.typeToString(field.type);
        fields.push({ name: field.name, typeName, canonical, shape, range: range(field.nameNode) });
      }
      site.fields = site.fields.filter((f) => fields.some((kept) => kept.name === f.name));
      if (fields.length === 0) continue;
      const shape: StateShape = {
        type: 'object',
        properties: Object.fromEntries(fields.map((f) => [f.name, { shape: f.shape }])),
      };
      const canonical = canonicalShape(shape);
      const anchor = site.classNode?.name ?? site.fields[0]!.nameNode;
      const info: HolderStateInfo = {
        key: site.key,
        kind: site.kind,
        typeName: site.kind === 'class' ? site.name : `module variables of ${site.name}`,
        fields,
        shape,
        canonical,
        hash: shapeHash(canonical),
        hasCodeChange: site.hasCodeChange,
        ...(site.codeChange ? { codeChangeText: codeChangeIdentity(sourceFile, site.codeChange) } : {}),
        range: range(anchor),
      };
      holders.push({ site, info });
    }
    return { sourceFile, holders };
  }

  /**
   * Builds what every analysis needs and the first one would otherwise build on a save: the
   * lib's files parsed and bound, a program and its checker (seconds, once). It analyses a
   * small document of its own, then drops it; the lib stays in the service.
   */
  warm(): void {
    const file = join(process.cwd(), '.hotpatch-warm-up.ts');
    this.analyzeServers(file, WARM_UP_TEXT);
    this.holdersOf(file, WARM_UP_TEXT);
    this.closeDocument(file);
  }

  /** An open, unsaved document that analysed files may import. */
  setDocument(fileName: string, text: string): void {
    this.#documents.set(fileName, text);
  }

  closeDocument(fileName: string): void {
    this.#documents.delete(fileName);
  }

  dispose(): void {
    this.#analyses.clear();
    this.#documents.dispose();
  }

  analyzeServers(fileName: string, text: string): { sourceFile: ts.SourceFile; servers: AnalyzedServer[] } {
    const file = this.#documents.set(fileName, text);
    const { program, sourceFile } = this.#documents.program(file);
    const checker = program.getTypeChecker();
    const shapes = new ShapeBuilder(program, checker);
    const servers = findServers(sourceFile, checker).map((site): AnalyzedServer => {
      const state = stateTypeOf(site, sourceFile, checker);
      const shape = state ? shapes.shapeOf(state.type, state.node) : { type: 'unknown' as const };
      const canonical = canonicalShape(shape);
      const anchor = state?.anchor ?? site.call.expression;
      const info: ServerStateInfo = {
        key: site.key,
        typeName: state?.name ?? 'unknown',
        canonical,
        hash: shapeHash(canonical),
        shape,
        hasCodeChange: site.hasCodeChange,
        ...(site.codeChange ? { codeChangeText: codeChangeIdentity(sourceFile, site.codeChange) } : {}),
        range: rangeOf(sourceFile, anchor),
      };
      return { site, state, info };
    });
    return { sourceFile, servers };
  }
}

function rangeOf(sourceFile: ts.SourceFile, node: ts.Node): { start: Position; end: Position } {
  return {
    start: sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)),
    end: sourceFile.getLineAndCharacterOfPosition(node.getEnd()),
  };
}
