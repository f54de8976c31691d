/**
 * The language server's state-type analysis: for each server a module defines, its state
 * type as a canonical form, a hash and the runtime shape the agent checks migrated states
 * against. One incremental LanguageService serves every analysis, so analysing a saved file
 * re-parses that file only.
 */
import type ts from 'typescript';
import { findServers, type ServerSite } from './find-servers';
import { DocumentService } from './language-service';
import { canonicalShape, shapeHash } from './print-shape';
import { stateTypeOf, type StateType } from './state-type';
import { stubEdits } from './stub';
import { ShapeBuilder } from './to-shape';
import type { OldVersion, ServerStateInfo, TextEdit } from './types';

export interface StateTypeAnalyzerOptions {
  /** Documents kept in memory at most (old versions' sources add up). Default 32. */
  maxDocuments?: number;
  /** Replaces the analysis options (ES2022 lib, strict, bundler resolution). */
  compilerOptions?: ts.CompilerOptions;
}

/** A server with the syntax and type facts a stub needs. */
export interface AnalyzedServer {
  site: ServerSite;
  state: StateType | undefined;
  info: ServerStateInfo;
}

export class StateTypeAnalyzer {
  readonly #documents: DocumentService;

  constructor(options: StateTypeAnalyzerOptions = {}) {
    this.#documents = new DocumentService(options.compilerOptions, options.maxDocuments);
  }

  /**
   * The servers `text` defines, as if saved under `fileName`. For a version that is not the
   * file on disk (the running version's source), pass a name beside the real file
   * (oldVersionFileName) so its relative imports resolve.
   */
  analyze(fileName: string, text: string): ServerStateInfo[] {
    return this.analyzeServers(fileName, text).servers.map((s) => s.info);
  }

  /** Edits writing a typed codeChange stub converting `old`'s state (none when one exists). */
  codeChangeStubEdits(fileName: string, newText: string, old: OldVersion): TextEdit[] {
    const { sourceFile, servers } = this.analyzeServers(fileName, newText);
    const server = servers.find((s) => s.info.key === old.info.key);
    return server ? stubEdits(sourceFile, server, old) : [];
  }

  /** An open, unsaved document that analysed files may import. */
  setDocument(fileName: string, text: string): void {
    this.#documents.set(fileName, text);
  }

  closeDocument(fileName: string): void {
    this.#documents.delete(fileName);
  }

  dispose(): void {
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
      const start = sourceFile.getLineAndCharacterOfPosition(anchor.getStart(sourceFile));
      const end = sourceFile.getLineAndCharacterOfPosition(anchor.getEnd());
      const info: ServerStateInfo = {
        key: site.key,
        typeName: state?.name ?? 'unknown',
        canonical,
        hash: shapeHash(canonical),
        shape,
        hasCodeChange: site.hasCodeChange,
        range: { start, end },
      };
      return { site, state, info };
    });
    return { sourceFile, servers };
  }
}
