/**
 * Every live server process of this app: ids, the name registry, the index by server, and
 * the public functions apps use (spawn, call, cast, send, whereis, stop). One table per
 * Node process, kept on a global so every copy of the library shares it.
 */
import { EventEmitter } from 'node:events';
import { basename, extname } from 'node:path';
import type { AnySpec, ExitReason, From, ServerDefinition } from './define-server';
import { ProcessError, ServerProcess, runningProcess, type SpecSource, type VersionRef } from './server-process';

export interface ProcessTableEvents {
  started: [ServerProcess];
  exited: [ServerProcess, ExitReason];
  /** Who holds it suspended changed (sys or an upgrade, see ServerProcess.suspendedBy). */
  suspension: [ServerProcess];
}

/** Resolves a server's callbacks when no code server runs (the agent is not started). */
const staticSource: SpecSource = {
  current: (definition) => ({ spec: definition.spec, version: undefined }),
};

export class ProcessTable extends EventEmitter<ProcessTableEvents> implements SpecSource {
  readonly #byId = new Map<string, ServerProcess>();
  readonly #byName = new Map<string, ServerProcess>();
  readonly #byServer = new Map<string, Set<ServerProcess>>();
  /**
   * The index `list(file)` reads. Filtering every process of the app instead cost ≈3–6 ms per
   * call at 100,000 processes, in one turn, and an upgrade lists its modules' processes several
   * times (test/bench/upgrade.ts); it also grew with processes of unrelated modules.
   */
  readonly #byFile = new Map<string, Set<ServerProcess>>();
  #counter = 0;
  /** Set by the code server: where processes find their module's current callbacks. */
  source: SpecSource = staticSource;
  /** Servers whose module is being upgraded: processes spawned meanwhile start suspended. */
  readonly upgrading = new Set<string>();

  spawn(definition: ServerDefinition, args: unknown, options: { name?: string } = {}): ServerProcess {
    if (options.name !== undefined && this.#byName.has(options.name)) {
      throw new Error(
        `spawn: the name '${options.name}' is already registered to ${this.#byName.get(options.name)!.id}`,
      );
    }
    const file = definition.file;
    const stem = file ? basename(file, extname(file)) : 'server';
    const id = `${stem}${definition.key === 'server0' ? '' : `.${definition.key}`}#${++this.#counter}`;
    const process = new ServerProcess(
      id,
      options.name,
      definition,
      this,
      (p, reason) => this.#remove(p, reason),
      args,
      file !== undefined && this.upgrading.has(file),
    );
    process.onSuspensionChange = (p) => this.emit('suspension', p);
    this.#byId.set(id, process);
    if (options.name !== undefined) this.#byName.set(options.name, process);
    let set = this.#byServer.get(definition.identity);
    if (!set) this.#byServer.set(definition.identity, (set = new Set()));
    set.add(process);
    if (file !== undefined) {
      let inFile = this.#byFile.get(file);
      if (!inFile) this.#byFile.set(file, (inFile = new Set()));
      inFile.add(process);
    }
    this.emit('started', process);
    // As gen_server:start_link: the name is registered while init runs, and freed when it
    // fails (the exit removes it), so a failed spawn leaves no name behind.
    process.start();
    return process;
  }

  current(definition: ServerDefinition): ReturnType<SpecSource['current']> {
    return this.source.current(definition);
  }

  #remove(process: ServerProcess, reason: ExitReason): void {
    this.#byId.delete(process.id);
    if (process.name !== undefined && this.#byName.get(process.name) === process) this.#byName.delete(process.name);
    this.#byServer.get(process.definition.identity)?.delete(process);
    if (process.definition.file !== undefined) this.#byFile.get(process.definition.file)?.delete(process);
    this.emit('exited', process, reason);
  }

  get(id: string): ServerProcess | undefined {
    return this.#byId.get(id);
  }

  whereis(name: string): ServerProcess | undefined {
    return this.#byName.get(name);
  }

  /** Live processes, optionally of one module. */
  list(file?: string): ServerProcess[] {
    if (file === undefined) return [...this.#byId.values()];
    return [...(this.#byFile.get(file) ?? [])];
  }

  get size(): number {
    return this.#byId.size;
  }
}

const TABLE_KEY = Symbol.for('hotpatch-agent.processes');

/** This Node process's table (shared by every copy of the library). */
export function processTable(): ProcessTable {
  const holder = globalThis as unknown as Record<symbol, ProcessTable | undefined>;
  return (holder[TABLE_KEY] ??= new ProcessTable());
}

/** A process reference: what `spawn` returns and what `call`, `cast` and `send` take. */
export type ProcessRef = ServerProcess | string;

function resolve(ref: ProcessRef): ServerProcess | undefined {
  if (typeof ref !== 'string') return ref.status === 'dead' ? undefined : ref;
  const table = processTable();
  return table.whereis(ref) ?? table.get(ref);
}

/**
 * Starts a process running `server`; its `init(args)` runs first, before any message. A
 * synchronous init runs before spawn returns, and one that throws makes spawn throw a
 * ProcessError (reason 'init'); the name is not left registered. For an async init, await
 * `process.whenStarted()` to learn how it ended.
 */
export function spawn<State>(
  server: ServerDefinition<State>,
  args?: unknown,
  options: { name?: string } = {},
): ServerProcess {
  return processTable().spawn(server as ServerDefinition, args, options);
}

/** Sends a request and waits for the reply (default timeout 5 s, as OTP's). */
export function call<Reply = unknown>(
  ref: ProcessRef,
  message: unknown,
  options: { timeout?: number } = {},
): Promise<Reply> {
  const process = resolve(ref);
  if (!process) return Promise.reject(new ProcessError(`no process ${describe(ref)}`, 'noproc'));
  const caller = runningProcess().getStore();
  if (caller === process) {
    return Promise.reject(
      new ProcessError(`${process.id} called itself: its mailbox waits for this very handler`, 'self'),
    );
  }
  const from: From = caller ? { process: caller.id } : {};
  return process.call(message, options.timeout ?? 5000, from) as Promise<Reply>;
}

/** Sends a message handled by handleCast; never waits. */
export function cast(ref: ProcessRef, message: unknown): void {
  resolve(ref)?.cast(message);
}

/** Sends a plain message handled by handleInfo (Erlang's `!`). */
export function send(ref: ProcessRef, message: unknown): void {
  resolve(ref)?.info(message);
}

/** The process registered under `name`, if alive. */
export function whereis(name: string): ServerProcess | undefined {
  return processTable().whereis(name);
}

/**
 * Ends a process: 'shutdown' runs its terminate callback, 'killed' does not. A dead process
 * or an unknown name throws a ProcessError 'noproc' (as gen_server:stop exits with noproc).
 */
export function stop(ref: ProcessRef, reason: 'normal' | 'shutdown' | 'killed' = 'shutdown'): void {
  const process = resolve(ref);
  if (!process) throw new ProcessError(`no process ${describe(ref)}`, 'noproc');
  process.kill(reason);
}

function describe(ref: ProcessRef): string {
  return typeof ref === 'string' ? `'${ref}'` : ref.id;
}

export type { AnySpec, VersionRef };
