/** What the state-type analysis produces and consumes (see analyzer.ts). */
import type { StateShape } from 'hotpatch-agent/protocol';

/** A position in the analysed text, 0-based like LSP's. */
export interface Position {
  line: number;
  character: number;
}

/** One server's state type in one version of a module. */
export interface ServerStateInfo {
  /** The spec's `key`, else `server<index>` in definition order (as defineServer names it). */
  key: string;
  /** How the module names the type: `State`, `VisitsState`, or the inline type's text. */
  typeName: string;
  /** Canonical structural form: sorted keys, normalized unions; equal strings, same state type. */
  canonical: string;
  /** Short hash of `canonical`, for caches and logs. */
  hash: string;
  /** What the agent checks migrated states against. */
  shape: StateShape;
  /** The spec has a `codeChange` to convert states from other versions. */
  hasCodeChange: boolean;
  /** The spec's own codeChange, as the agent compares it (codechange-replace.ts). */
  codeChangeText?: string;
  /** Where to put a diagnostic: the State declaration's name in this file, else the type argument. */
  range: { start: Position; end: Position };
}

/** A replacement of text[start, end) by newText (offsets into the text it was made for). */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

/** The running version a codeChange stub converts from. */
export interface OldVersion {
  /** The old server's analysis (from the source the agent keeps): its key and shape are used. */
  info: Pick<ServerStateInfo, 'key' | 'shape' | 'codeChangeText'>;
  /** Its vsn, as codeChange receives it in `from`. */
  vsn: string;
  /** Names the inlined old type: `StateV<n>`. */
  n: number | string;
}

/** One variable or instance field of a state holder, in one version of a module. */
export interface HolderFieldInfo {
  name: string;
  /** Its type as written (`Cat[]`), else as inferred. */
  typeName: string;
  canonical: string;
  shape: StateShape;
  /** The declaration's name. */
  range: { start: Position; end: Position };
}

/**
 * Where a module keeps state outside its servers (the contract's state holders): its
 * top-level variables, or the instances of one of its top-level classes.
 */
export interface HolderStateInfo {
  /** `module`, or `class:<Name>`: the key the agent knows the holder by. */
  key: string;
  kind: 'module' | 'class';
  /** For messages: `CatsService`, `module variables of todos.ts`. */
  typeName: string;
  /** The fields, with data types only. */
  fields: HolderFieldInfo[];
  /** An object shape of every field: what the agent checks a migration's results against. */
  shape: StateShape;
  canonical: string;
  hash: string;
  /** `export function codeChange` (module), `static codeChange` (class). */
  hasCodeChange: boolean;
  /**
   * The codeChange's code, as the agent compares it (codechange-replace.ts): one a load leaves
   * as the running version had it is not run (the agent runs a codeChange in the load that
   * brings it), so it converts nothing of a new change.
   */
  codeChangeText?: string;
  /** The class's name, or the first variable's. */
  range: { start: Position; end: Position };
}

/** The running version a holder's codeChange stub converts from. */
export interface OldHolderVersion {
  info: Pick<HolderStateInfo, 'key' | 'shape' | 'codeChangeText'>;
  vsn: string;
  n: number | string;
}
