/**
 * State types as the save pipeline sees them (servers' states and the state holders: module
 * variables, class instances), the running versions' analyses it compares against, and what
 * changed between the two.
 */
import { basename, dirname, join } from 'node:path';
import type { AgentInfo, ModuleInfo, StateShape } from 'hotpatch-agent/protocol';
import type { AgentClient } from './agent-client';
import type { LoadOutcome } from './hot-load';
import type { Target } from './targets';

type Range = { start: { line: number; character: number }; end: { line: number; character: number } };

/** One state type as the analysis sees it in a version of a module: a server's, or a holder's. */
export interface ServerStateType {
  key: string;
  /** `State`; for a holder `CatsService` or `module variables of todos.ts`. */
  typeName: string;
  /** Canonical structural form: equal strings mean the same state type. */
  canonical: string;
  shape: StateShape;
  hasCodeChange: boolean;
  /** A holder's codeChange, as the agent compares its versions (see HolderStateInfo). */
  codeChangeText?: string;
  /** Where the state type is declared in the analysed text (0-based). */
  range: Range;
  /** A state holder's kind (absent: a server). */
  kind?: 'module' | 'class';
  /** A holder's variables or fields. */
  fields?: FieldStateType[];
}

export interface FieldStateType {
  name: string;
  typeName: string;
  canonical: string;
  shape: StateShape;
  range: Range;
}

/** A holder's field whose old values are not values of its new type. */
export interface FieldChange {
  name: string;
  typeName: string;
  /** `+ color: string`, `~ string[] → number[]`. */
  lines: string[];
  range: Range;
}

/** The analysis the pipeline needs (see state-types/); absent, state types are not checked. */
export interface StateTypes {
  /** The servers' and the holders' state types of `text` saved as `fileName`. */
  analyze(fileName: string, text: string): ServerStateType[];
  /** Whether the syntax of `text` declares any state: when not, analyze finds none (no types needed). */
  mayHoldState?(fileName: string, text: string): boolean;
  diff(old: StateShape, next: StateShape): string[];
  /** The fields of a holder that need converting, and how they changed. */
  fieldChanges?(old: ServerStateType, next: ServerStateType): FieldChange[];
  /** Edits (offsets into `text`) that write a typed codeChange stub converting the old state. */
  stubEdits?(fileName: string, text: string, change: StateChange): { start: number; end: number; newText: string }[];
  /** The file compiles to nothing (interfaces, type aliases): no app loads it. */
  isTypeOnly?(fileName: string, text: string): boolean;
  /**
   * The file exports names importers may type their state with: types, or values a type reaches
   * through `typeof` (`ReturnType<typeof makeTodo>`).
   */
  exportsTypeSources?(fileName: string, text: string): boolean;
  /** Those of `candidates` that import `typeFile`, directly or through type-only files. */
  typeDependents?(typeFile: string, candidates: readonly string[]): string[];
  /** Analyse with this text for `fileName` (a type file's previous or new text); undefined: the disk's. */
  setDocument?(fileName: string, text: string | undefined): void;
  /**
   * The files `text` imports by a relative path, resolved: TypeScript's import scanner, which
   * the save pipeline uses where it has TypeScript (see imports-not-running.ts).
   */
  relativeImports?(fileName: string, text: string): string[];
  /** Builds ahead what the first analysis would build on a save (seconds): when an agent connects. */
  warm?(): void;
  /** Releases what the analysis holds (its parses, in a registry shared with others). */
  dispose?(): void;
  /**
   * How many analyses were asked for so far, and how many of them were made, not given again as
   * they were made before (an analysis made ahead).
   */
  analyses?(): { asked: number; made: number };
}

/** A server or holder whose state type changed with no codeChange to convert running states. */
export interface StateChange {
  agent: AgentInfo;
  module: ModuleInfo;
  /** The source file the migration is written in (the saved file, or one importing the saved type file). */
  file: string;
  server: ServerStateType;
  /** The running version. */
  fromVsn: string;
  fromSeq: number;
  /** Human lines: `+ history: number[]`, `- legacy: string`, `~ count: string → number`. */
  lines: string[];
  /** The old state type, as analysed from the running version's source. */
  old: ServerStateType;
  /**
   * A server's codeChange, the running version's own, ran in the agent's dry run and returned a
   * state that does not fit the new type: why (`codeChange returned state.tag: missing`).
   */
  refusal?: string;
  /** For a holder: the fields that changed. */
  fields?: FieldChange[];
  /** Where the diagnostic goes in `file`: the state type, or the first changed field. */
  range: Range;
}

/** The changes from `old` (running) to `next` (saved) that need a codeChange nobody wrote. */
export function stateChanges(
  types: StateTypes,
  target: Target,
  file: string,
  old: readonly ServerStateType[],
  next: readonly ServerStateType[],
): StateChange[] {
  const { client, module } = target;
  const changes: StateChange[] = [];
  for (const server of next) {
    const before = old.find((o) => o.key === server.key && o.kind === server.kind);
    if (!before || before.canonical === server.canonical || convertsThisChange(server, before)) continue;
    if (server.kind) {
      const fields = types.fieldChanges?.(before, server) ?? [];
      if (fields.length === 0) continue;
      const common = { agent: client.info, module, file, server, old: before };
      const version = { fromVsn: module.current.vsn, fromSeq: module.current.seq };
      changes.push({ ...common, ...version, fields, lines: fields.flatMap((f) => f.lines), range: fields[0]!.range });
    } else {
      changes.push(serverChange(types, target, file, server, before));
    }
  }
  return changes;
}

/** The change of a server's state type from `before` (running) to `server` (saved). */
function serverChange(
  types: StateTypes,
  { client, module }: Target,
  file: string,
  server: ServerStateType,
  before: ServerStateType,
): StateChange {
  return {
    agent: client.info,
    module,
    file,
    server,
    old: before,
    fromVsn: module.current.vsn,
    fromSeq: module.current.seq,
    lines: types.diff(before.shape, server.shape),
    range: server.range,
  };
}

/**
 * The servers of `next` whose state type changed since `old` and whose codeChange is the one the
 * running version has: written for an earlier change, maybe, or for any (`{ ...defaults, ...state }`).
 * They load, and their codeChange runs in the agent's dry run; where its result does not fit the
 * new type, the save asks for a migration with these (save-pipeline.ts).
 */
export function changesLeftToCodeChange(
  types: StateTypes,
  target: Target,
  file: string,
  old: readonly ServerStateType[],
  next: readonly ServerStateType[],
): StateChange[] {
  return next.flatMap((server) => {
    const before = old.find((o) => o.key === server.key && !o.kind);
    if (server.kind || !before || before.canonical === server.canonical) return [];
    if (server.codeChangeText === undefined || server.codeChangeText !== before.codeChangeText) return [];
    return [serverChange(types, target, file, server, before)];
  });
}

/**
 * The saves whose load failed because a server's codeChange, the one the running version has,
 * returned a state that does not fit its changed type (the agent's dry run): by file, the state
 * changes (`leftOf`, changesLeftToCodeChange's) of each such agent's module. Nothing was loaded;
 * the save asks for a migration as it does for a server with no codeChange, with the agent's reason.
 */
export function migrationsRefused(
  loads: readonly { file: string; outcome: Pick<LoadOutcome, 'client' | 'module' | 'plan'> }[],
  leftOf: (file: string) => readonly StateChange[],
): Map<string, StateChange[]> {
  const refused = new Map<string, StateChange[]>();
  for (const { file, outcome } of loads) {
    // One shape per module is checked (that of its only server): a wrong one is that server's.
    const wrong = outcome.plan?.errors.find((e) => e.wrongShape && e.file === outcome.module.file);
    if (!wrong) continue;
    const mine = leftOf(file).filter((c) => c.agent === outcome.client.info && c.module.file === outcome.module.file);
    if (mine.length === 0) continue;
    refused.set(file, [...(refused.get(file) ?? []), ...mine.map((c) => ({ ...c, refusal: wrong.message }))]);
  }
  return refused;
}

/**
 * Whether the saved version's codeChange converts the running version's state. A holder's
 * codeChange the running version already had, unchanged, does not: it was written for an
 * earlier change, and the agent runs a codeChange only in the load that brings it (a second
 * change of the same holder's type left its values of the old type, and the load said ✓).
 * A server's codeChange runs at every load, and its result's shape is checked there.
 */
function convertsThisChange(next: ServerStateType, running: ServerStateType): boolean {
  if (!next.hasCodeChange) return false;
  return !next.kind || !running.hasCodeChange || next.codeChangeText !== running.codeChangeText;
}

/**
 * The analysis of the version each agent runs of each module, keyed by its code hash: what a
 * save is compared against. A type file's save *pins* it for the modules importing that file:
 * their running code still holds values of the old types, whatever the type file now says.
 */
export class RunningStateTypes {
  readonly #types = new Map<string, { hash: string; types: ServerStateType[] }>();
  /** The running versions' sources, by agent and module: one entry per running module. */
  readonly #sources = new Map<string, { hash: string; source: string }>();

  /** The running version's analysis, from the source the agent keeps (unless pinned or cached). */
  async of(types: StateTypes, client: AgentClient, module: ModuleInfo, file: string): Promise<ServerStateType[]> {
    const cached = this.cached(client, module);
    if (cached) return cached;
    const analysed = types.analyze(this.oldVersionFile(module, file), await this.sourceOf(client, module));
    this.set(client, module.file, module.current.hash, analysed);
    return analysed;
  }

  /** The analysis kept for the version running now, if any. */
  cached(client: AgentClient, module: ModuleInfo): ServerStateType[] | undefined {
    const entry = this.#types.get(`${client.info.pid}\0${module.file}`);
    return entry?.hash === module.current.hash ? entry.types : undefined;
  }

  /** One entry per running module: only its current version is ever compared against. */
  set(client: AgentClient, moduleFile: string, hash: string, types: ServerStateType[]): void {
    this.#types.set(`${client.info.pid}\0${moduleFile}`, { hash, types });
  }

  /**
   * The source of the version running now, asked of the agent once per version (a save of a
   * module whose types others hold read each importer's at every save).
   */
  async sourceOf(client: AgentClient, module: ModuleInfo): Promise<string> {
    const key = `${client.info.pid}\0${module.file}`;
    const known = this.#sources.get(key);
    if (known?.hash === module.current.hash) return known.source;
    const { source, version } = await client.source(module.file);
    // Kept under the hash of the version it is the source of (another load may have come since).
    this.#sources.set(key, { hash: version.hash, source });
    return source;
  }

  /** Beside the edited file, so the old text's relative imports resolve as the new one's do. */
  oldVersionFile(module: ModuleInfo, file: string): string {
    return join(dirname(file), `.hotpatch-v${module.current.seq}-${basename(file)}`);
  }
}

/**
 * "State changed since v3 running in counter-app (pid 1): + history: number[]";
 * "CatsService.cats: Cat[] changed since v3 …: + color: string".
 */
export function describeStateChange(change: StateChange): string {
  const { server, fields } = change;
  let what = server.typeName;
  if (fields && server.kind === 'class')
    what = fields.map((f) => `${server.typeName}.${f.name}: ${f.typeName}`).join(', ');
  // Named by the file the change is in: the analysed text may be an old version's, under another name.
  if (fields && server.kind === 'module') {
    what = `module variables of ${basename(change.file)}: ${fields.map((f) => `${f.name}: ${f.typeName}`).join(', ')}`;
  }
  // Its codeChange is there, but it is the running version's own: a holder's ran when it came;
  // a server's ran again, and its result did not fit.
  const written = change.refusal
    ? ` (the codeChange in the file is v${change.fromVsn}'s own: ${change.refusal})`
    : server.hasCodeChange
      ? ` (the codeChange in the file is v${change.fromVsn}'s own, already run)`
      : '';
  return (
    `${what} changed since v${change.fromVsn} running in ${change.agent.appName} ` +
    `(pid ${change.agent.pid}): ${change.lines.join(', ')}${written}`
  );
}
