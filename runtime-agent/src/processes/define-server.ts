/**
 * Server definitions (gen_server callback modules). `defineServer` is called at the top level
 * of a hot module; each evaluation of that module (each version) defines its servers anew,
 * and the code server collects them into that version. A process names its server by
 * (module file, server key), so after an upgrade it runs the new version's callbacks.
 */
import type { Continue } from './callback-results';
import type { PendingTrees } from './supervision/trees';

/** Why a process ended. 'normal' and 'shutdown' are clean; anything else is a crash. */
export type ExitReason = 'normal' | 'shutdown' | 'killed' | { error: string };

/** The caller of a `call`, for handlers that want to know. */
export interface From {
  /** Id of the calling process, when a process called. */
  readonly process?: string;
}

/**
 * What handleCall returns: the reply and the new state; or `noreply: true` and the state, to
 * answer later with `reply(from, value)` (OTP's `{noreply, State}` + gen_server:reply). With
 * `continue`, handleContinue(continue, state) runs before the next message.
 */
export type CallResult<State, Reply> =
  { reply: Reply; state: State; continue?: unknown } | { noreply: true; state: State; continue?: unknown };

/** A new state, or one with handleContinue work to do first (`continueWith(state, arg)`). */
export type Next<State> = State | Continue<State>;

/** `codeChange`'s first argument: the vsn upgraded from, or `{ down: vsn }` when rolling back to vsn. */
export type CodeChangeFrom = string | { down: string };

export interface ServerSpec<State, Call = never, Reply = unknown, Cast = never, Info = unknown> {
  /** Distinguishes several servers defined in one module. Default: their order of definition. */
  key?: string;
  init(args: unknown): Next<State> | Promise<Next<State>>;
  handleCall?(message: Call, state: State, from: From): CallResult<State, Reply> | Promise<CallResult<State, Reply>>;
  handleCast?(message: Cast, state: State): Next<State> | Promise<Next<State>>;
  handleInfo?(message: Info, state: State): Next<State> | Promise<Next<State>>;
  /**
   * Runs right after a callback that asked for it (`continue` in handleCall's result, or
   * `continueWith(state, arg)` from the others), before any other message: OTP's
   * handle_continue, for work that must follow (a slow setup after init) with nothing between.
   */
  handleContinue?(arg: unknown, state: State): Next<State> | Promise<Next<State>>;
  terminate?(reason: ExitReason, state: State): void;
  /**
   * Converts the state of a process from another version of this module: called on the new
   * version when upgrading from vsn `from`, on the current version with `{ down: vsn }` when
   * rolling back to vsn. Must be synchronous and must not mutate its input in ways it cannot
   * undo: a dry run on a copy precedes the real one. Throwing aborts the whole upgrade.
   */
  codeChange?(from: CodeChangeFrom, state: unknown, extra: unknown): State;
}

// Loose callback types for the runtime, which handles every server alike.
export type AnySpec = ServerSpec<unknown, unknown, unknown, unknown, unknown>;

/** What `defineServer` returns and `spawn` takes: the server's lasting identity. */
export class ServerDefinition<State = unknown> {
  constructor(
    /** The hot module that defined it; undefined outside hot modules (then it never changes). */
    readonly file: string | undefined,
    readonly key: string,
    /** This version's callbacks. */
    readonly spec: AnySpec,
  ) {}

  /** @internal phantom for the state type */
  declare readonly _state?: State;

  get identity(): string {
    return `${this.file ?? '<static>'}#${this.key}`;
  }
}

/**
 * Collects the definitions a version's top level makes. Its tables are made when first used:
 * most top levels define no server (an app's start made them for every module, issue 13).
 */
export class DefinitionCollector {
  #definitions: Map<string, ServerDefinition> | undefined;
  #trees: PendingTrees | undefined;
  constructor(readonly file: string) {}

  get definitions(): Map<string, ServerDefinition> {
    return (this.#definitions ??= new Map());
  }

  /** What its supervise() calls did to supervision trees, applied when the version is committed. */
  get trees(): PendingTrees {
    return (this.#trees ??= { updates: [], started: [], ran: [] });
  }

  /** The definitions made, without making a table for none. */
  get defined(): ReadonlyMap<string, ServerDefinition> {
    return this.#definitions ?? NO_DEFINITIONS;
  }
}

const NO_DEFINITIONS: ReadonlyMap<string, ServerDefinition> = new Map();

const collecting: DefinitionCollector[] = [];

/** Runs while a version's top level evaluates (see the code server). */
export function beginDefinitions(collector: DefinitionCollector): void {
  collecting.push(collector);
}

/** The collector of the top level running now, if a hot module's top level runs. */
export function currentCollector(): DefinitionCollector | undefined {
  return collecting.at(-1);
}

export function endDefinitions(collector: DefinitionCollector): void {
  const index = collecting.lastIndexOf(collector);
  if (index >= 0) collecting.length = index;
}

/**
 * Defines a server: a process type with serial message handling and state that survives
 * code changes. Call it at the top level of a module and export the result.
 */
export function defineServer<State, Call = never, Reply = unknown, Cast = never, Info = unknown>(
  spec: ServerSpec<State, Call, Reply, Cast, Info>,
): ServerDefinition<State> {
  if (typeof spec?.init !== 'function') throw new TypeError('defineServer: init(args) is required');
  const collector = collecting.at(-1);
  const key = spec.key ?? `server${collector ? collector.definitions.size : 0}`;
  const definition = new ServerDefinition<State>(collector?.file, key, spec as unknown as AnySpec);
  if (collector) {
    if (collector.definitions.has(key)) {
      throw new Error(`defineServer: ${collector.file} defines two servers with key '${key}'; give each a key`);
    }
    collector.definitions.set(key, definition);
  }
  return definition;
}
