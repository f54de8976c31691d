/**
 * The save of a TypeScript file of types only (interfaces, type aliases), which compiles to
 * nothing: no app loads it, but the state types of the modules importing it may change.
 */
import { realpath } from 'node:fs/promises';
import type { ModuleInfo } from 'hotpatch-agent/protocol';
import type { AgentClient } from './agent-client';
import type { Target } from './targets';
import type { SaveOutcome } from './save-pipeline';
import { stateChanges, type RunningStateTypes, type StateChange, type StateTypes } from './state-change';

/** What a type file's save reads of the pipeline: the agents, their modules, the running analyses. */
export interface TypeFileContext {
  clients(): AgentClient[];
  modulesOf?(client: AgentClient): readonly ModuleInfo[] | undefined;
  running: RunningStateTypes;
}

/** A type file saved: its path, its new text, and the text it had before (the last one saved or opened). */
export interface TypeFileSave {
  file: string;
  text: string;
  previousText: string | undefined;
  /**
   * The text stays the file's document in the analysis once compared, as the module's own
   * analysis of the save set it: dropped, it would be a new version to TypeScript at the next
   * analysis, a program built anew for nothing. A type file's save goes back to the disk.
   */
  keepsDocument?: boolean;
}

/**
 * A type file's save loads nothing: each running module importing it is analysed with the
 * file's previous text and with its new one, and a state type that changed asks for a
 * migration in that module. The old analysis stays pinned as the running one: the module's
 * live values still have the old types when it is saved next.
 */
export async function typeFileSaved(
  context: TypeFileContext,
  types: StateTypes,
  save: TypeFileSave,
  started: number,
): Promise<SaveOutcome> {
  const { changes, dependents, uncompared } = await importerStateChanges(context, types, save);
  if (changes.length > 0) return { kind: 'migrationNeeded', file: save.file, changes, ms: performance.now() - started };
  return { kind: 'typesOnly', file: save.file, dependents, uncompared };
}

/**
 * The state types that `save` changes in the running modules that import its file (a type
 * file, or a module whose exports others type their state with: `z.infer<typeof Todo>`,
 * `ReturnType<typeof makeTodo>`): each that may hold state is analysed with the file's previous
 * text and with its new one. `batch`: the texts saved with it, by file; a module among them is
 * analysed with its new text, which may bring the migration (a codeChange) itself.
 */
export async function importerStateChanges(
  context: TypeFileContext,
  types: StateTypes,
  { file, text, previousText, keepsDocument }: TypeFileSave,
  batch: ReadonlyMap<string, string> = new Map(),
  /**
   * For a module's save: the text the app runs of it, which the importers' running analyses
   * are made with (asked for only when one is not kept), in place of `previousText`.
   */
  runningText?: () => Promise<string>,
): Promise<{ changes: StateChange[]; dependents: number; uncompared: string[] }> {
  const bySource = new Map<string, Target[]>();
  for (const client of context.clients()) {
    for (const module of context.modulesOf?.(client) ?? (await client.modules())) {
      for (const source of new Set([module.file, ...module.sources])) {
        if (!TYPESCRIPT.test(source) || source === file) continue;
        bySource.set(source, [...(bySource.get(source) ?? []), { client, module }]);
      }
    }
  }
  // Sources are the real paths the app loaded; the editor may name the type file through a symlink.
  const links = new SymlinkedPaths(file, await realpath(file).catch(() => file));
  const typeFile = links.real;
  const dependents = types.typeDependents?.(typeFile, [...bySource.keys()]) ?? [];
  const changes: StateChange[] = [];
  const uncompared: string[] = [];
  let count = 0;
  try {
    for (const dependent of dependents) {
      for (const target of bySource.get(dependent)!) {
        count++;
        const { client, module } = target;
        const source = await context.running.sourceOf(client, module);
        // A running module that holds no state has no state type to change (its analyses would
        // both be empty): most importers of a module are such (routes, an entry), and analysing
        // them would cost each save a program.
        if (types.mayHoldState?.(dependent, source) === false) continue;
        const virtual = context.running.oldVersionFile(module, dependent);
        const editorFile = links.toEditor(dependent);
        let old = context.running.cached(client, module);
        if (!old) previousText ??= await runningText?.();
        if (!old && previousText !== undefined) {
          types.setDocument?.(typeFile, previousText);
          old = types.analyze(virtual, source);
        }
        if (!old) {
          uncompared.push(editorFile);
          continue;
        }
        context.running.set(client, module.file, module.current.hash, old);
        // A change is to state the running version holds (stateChanges): where its analysis found
        // none (a server, a router, its types not data), the new text's cannot change any.
        if (old.length === 0) continue;
        types.setDocument?.(typeFile, text);
        const saved = batch.get(editorFile);
        const next = saved === undefined ? types.analyze(virtual, source) : types.analyze(editorFile, saved);
        changes.push(...stateChanges(types, target, editorFile, old, next));
      }
    }
  } finally {
    // Back to the file as saved: its text, or read from disk like every other file the analysis imports.
    types.setDocument?.(typeFile, keepsDocument ? text : undefined);
  }
  return { changes, dependents: count, uncompared };
}

/**
 * A file's path in the editor and its real path, when a symlinked folder tells them apart: the
 * other real paths under that folder map back to the editor's names for them.
 */
class SymlinkedPaths {
  readonly #editorPrefix: string;
  readonly #realPrefix: string;

  constructor(
    editorPath: string,
    readonly real: string,
  ) {
    // The common tail is the part below the symlink; what comes before it differs.
    let tail = 0;
    while (
      tail < Math.min(editorPath.length, real.length) &&
      editorPath[editorPath.length - 1 - tail] === real[real.length - 1 - tail]
    ) {
      tail++;
    }
    // Whole path segments only: `/work/a-x` and `/work/b-x` differ in `a-x`, not in `a`.
    while (tail > 0 && editorPath[editorPath.length - tail] !== '/') tail--;
    this.#editorPrefix = editorPath.slice(0, editorPath.length - tail);
    this.#realPrefix = real.slice(0, real.length - tail);
  }

  toEditor(realPath: string): string {
    if (this.#editorPrefix === this.#realPrefix || !realPath.startsWith(`${this.#realPrefix}/`)) return realPath;
    return this.#editorPrefix + realPath.slice(this.#realPrefix.length);
  }
}

/** TypeScript sources: the files whose imports of type files are followed. */
const TYPESCRIPT = /\.[cm]?tsx?$/;
