/**
 * The run-time side of live code: what instrumented code reaches as `__hotpatch$`.
 *
 * A LiveModule lasts as long as its file is loaded. It holds
 * - `bindings`: the module scope, as accessors over the first version's real variables (its
 *   closures read those directly; see module-bindings.ts) plus plain properties for bindings
 *   later versions add;
 * - the dispatch tables: for each function slot (a stable identity, see program.ts) the
 *   generation of its newest body and that body. Every instrumented function starts with
 *   `if (v[slot] > myGeneration) return call(slot, ...)`, so a handler captured at startup
 *   runs the newest code, with its own closure variables passed along when it needs them;
 * - the class objects by slot, so a new version's class is patched onto the one instances have.
 *
 * A VersionScope is one version's view: its generation, and until commit a staging layer
 * over the bindings, so an upgrade that is aborted leaves every binding as it was.
 */

import { FORK_WHILE_LOADING } from './cluster-forks';
import { markStatement } from '../timer-ownership';
import { fixedRouteTable } from './fixed-routes';
import { guardCellOf, raiseGuardCell } from './guard-cell';
import { bindingsObject, type BindingAccess } from './module-bindings';
import type { Registration } from './registrations';
import { enterStatement } from './top-level';
import { clearValidation } from './validation-decorators';
import { addFields, droppedNote, keptNote, mayHoldState, unchangedSinceStartup } from './kept-state';

export type Callable = (...args: unknown[]) => unknown;
type Environment = Record<string, unknown>;

/** What an ES module's first version hands over: its `import.meta`, and `import()` from where it stands. */
export interface EsmAccess {
  meta: { url: string; resolve?: (specifier: string) => string };
  importer: (specifier: string) => Promise<unknown>;
  /** The first version's namespace, once the module evaluated (what no binding of a later version holds is read here). */
  namespace?: Record<string, unknown>;
}

export class LiveModule {
  /** Newest generation per slot (0: never replaced). A plain array of small integers: fast to read. */
  readonly newest: number[] = [];
  readonly impl: unknown[] = [];
  /** Whether the slot's body is a factory taking the caller's closure variables. */
  readonly withEnv: boolean[] = [];
  #slots: Map<string, number> | undefined;
  /** The class object of each class slot: the identity instances and importers hold. */
  readonly classes: Array<Function | undefined> = [];
  // The tables below are made when first used: most modules never need them, and an app's start
  // made thousands (issue 13).
  #registrations: Map<object, Registration[]> | undefined;
  #needsRestart: Map<object, string> | undefined;
  /** ES modules only: see EsmAccess. */
  esm: EsmAccess | undefined;
  /** The global that prologues read before `newest` (see guard-cell.ts). */
  readonly cell: string;
  #generation = 1;

  #bindings: Record<string, unknown> | undefined;
  #announcedNames = '';
  #announcedAccess: BindingAccess | undefined;

  constructor(readonly file: string) {
    this.cell = guardCellOf(file);
  }

  /** Each function's and class's slot, by its key in the module (see program.ts). */
  get slots(): Map<string, number> {
    return (this.#slots ??= new Map());
  }

  /** Routes and middleware each top-level statement registered (by statement identity; see registrations.ts). */
  get registrations(): Map<object, Registration[]> {
    return (this.#registrations ??= new Map());
  }

  /**
   * Statements a load kept out of the running app because they need a restart (a route on a
   * table the framework fixed at startup), by statement identity, with why. While a later
   * version keeps such a statement unchanged, its load says so again: the app still runs
   * without it (see LiveCode.patch).
   */
  get needsRestart(): Map<object, string> {
    return (this.#needsRestart ??= new Map());
  }

  /** A CommonJS first version's own functions, handed over by its code as it ran (see markLiveFunctions). */
  readonly ownFunctions: Function[] = [];

  /** The module scope (see module-bindings.ts), made when first read. */
  get bindings(): Record<string, unknown> {
    if (this.#bindings) return this.#bindings;
    const access = this.#announcedAccess;
    this.#bindings = access ? bindingsObject(this.#announcedNames, access, stageWrite) : {};
    return this.#bindings;
  }

  /** Called by the first version's header, as it starts evaluating, with its module bindings. */
  announceBindings(names: string, access: BindingAccess): void {
    this.#announcedNames = names;
    this.#announcedAccess = access;
    this.#bindings = undefined;
  }

  /** Makes `body` of `generation` the one every older body of `slot` forwards to. */
  replace(slot: number, body: unknown, generation: number, withEnv = false): void {
    this.impl[slot] = body;
    this.withEnv[slot] = withEnv;
    this.newest[slot] = generation;
    raiseGuardCell(this.cell, generation);
  }

  slotOf(key: string): number {
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = this.slots.size;
      this.slots.set(key, slot);
      this.newest.push(0);
      this.impl.push(undefined);
      this.withEnv.push(false);
      // Classes register themselves by slot before their module's tables are read, when those
      // are read later (see FirstVersionReadLater in first-version.ts): the array may already reach this slot.
      if (this.classes.length <= slot) this.classes.push(undefined);
    }
    return slot;
  }

  /** A fresh generation for the next version evaluated (committed or not, never reused). */
  nextGeneration(): number {
    return ++this.#generation;
  }
}

/** A body staged by a version, installed in the dispatch tables at commit. */
export interface StagedBody {
  slot: number;
  body: unknown;
  withEnv: boolean;
}

/** A class whose method decorators a version changed: its report's notes on them, and what runs them again. */
export interface Redecoration {
  className: string;
  notes: string[];
  /** The running class. */
  klass: () => unknown;
  decorate: () => void;
}

export class VersionScope {
  #staging: Record<string, unknown> | undefined;
  /** The module's newest-generation table (`__hotpatch$.v`), shared by all versions. */
  readonly v: number[];
  readonly bodies: StagedBody[] = [];
  // The tables below are made when first used: a first version's at a load, if ever (issue 13).
  #classes: Map<number, Function> | undefined;
  /**
   * An identity per top-level statement, by index: a statement a load keeps keeps its identity,
   * so what it registered stays attributed to it.
   */
  statementIds: object[] = [];
  /** Instance fields this version's classes added, by class slot: installed on the running classes at commit. */
  readonly fields: Array<{ slot: number; name: string; init: (this: object) => unknown }> = [];
  /** Where a version's statements report what could not apply (its patch's report). */
  notApplied: string[] = [];
  /** What its patch's report says ran: a statement that did not run after all is taken out. */
  ran: string[] = [];
  /** The variables its patch's report says got a new value: one that kept its value is taken out. */
  rebound: string[] = [];
  /** Where its patch's report names the running objects a new one replaced (see `replace`). */
  dropped: string[] = [];
  /** The variables and fields its patch's report says it added (`renew` adds a kept object's new fields). */
  added: string[] = [];
  #notRun: Map<number, string> | undefined;
  /** The top-level statement running now (see `at`). */
  #statement = -1;
  #imported: Map<number, object> | undefined;
  #importedWithRelease: Map<number, ReadonlySet<string>> | undefined;
  /** ES modules: the version's top level, which may await (see patch.ts). */
  evaluation: Promise<unknown> | undefined;

  constructor(
    readonly module: LiveModule,
    readonly generation: number,
    staged: boolean,
  ) {
    this.v = module.newest;
    // The first version's scope reads the module's bindings only when asked: they are made then.
    if (staged) this.#staging = stagingLayer(module.bindings);
  }

  /** Classes this version's code evaluated, by slot. */
  get classes(): Map<number, Function> {
    return (this.#classes ??= new Map());
  }

  /** The statements of this version that did not run because they need a restart, by index, with why. */
  get notRun(): Map<number, string> {
    return (this.#notRun ??= new Map());
  }

  /** ES modules: the namespace of each import a later version adds, by statement index, fetched before it runs. */
  get imported(): Map<number, object> {
    return (this.#imported ??= new Map());
  }

  /**
   * ES modules: what the module of such an import exports in the version of it that the same
   * release prepared before this one, by statement index: names its face gets at the commit.
   */
  get importedWithRelease(): Map<number, ReadonlySet<string>> {
    return (this.#importedWithRelease ??= new Map());
  }

  /** The bindings this version's code reads and writes (`__hotpatch$.s`): until commit, a staging layer over the module's. */
  get s(): Record<string, unknown> {
    return this.#staging ?? this.module.bindings;
  }

  /** Called by a CommonJS first version's code once it declared functions held by variables. */
  own(...functions: Function[]): void {
    this.module.ownFunctions.push(...functions);
  }

  /** Marks the start of a top-level statement, so the timers it starts are attributed to it. */
  at(index: number): void {
    markStatement(index);
    this.#statement = index;
    if (this.generation === 1) this.statementIds[index] ??= {};
    enterStatement(this, index);
  }

  /** Forwards a call of an older body to the newest one. */
  call(slot: number, self: unknown, args: ArrayLike<unknown>, env?: Environment): unknown {
    const module = this.module;
    const body = module.withEnv[slot]
      ? (module.impl[slot] as (env: Environment) => Callable)(env ?? {})
      : module.impl[slot];
    return Reflect.apply(body as Callable, self, Array.from(args));
  }

  /** Forwards `new` of an older class to the newest constructor; instances keep the class they were made as. */
  construct(slot: number, args: ArrayLike<unknown>, newTarget: Function): unknown {
    return Reflect.construct(this.module.impl[slot] as new (...a: unknown[]) => unknown, Array.from(args), newTarget);
  }

  /** From a class's static block: the class object this version's code made for `slot`. */
  klass(slot: number, value: Function): void {
    if (this.generation === 1) this.module.classes[slot] = value;
    else this.classes.set(slot, value);
  }

  /** A new body for `slot` (a function declaration or expression of this version). */
  impl(slot: number, body: Callable): Callable {
    this.bodies.push({ slot, body, withEnv: false });
    return body;
  }

  /** Before a field's class-validator decorators run again: its old rules out (see validation-decorators.ts). */
  clearValidation(prototype: unknown, field: string): void {
    clearValidation(prototype, field);
  }

  /** Classes whose method decorators this version changed, each with what runs them again (see redecorate.ts). */
  get redecorations(): readonly Redecoration[] {
    return this.#redecorations ?? [];
  }
  #redecorations: Redecoration[] | undefined;

  /** From the version's code: `className`'s method decorators changed (see redecorate.ts). */
  redecorate(className: string, notes: string[], klass: () => unknown, decorate: () => void): void {
    (this.#redecorations ??= []).push({ className, notes, klass, decorate });
  }

  /** A new body for `slot` that needs the closure variables of the function that made the caller. */
  implEnv(slot: number, factory: (env: Environment) => Callable): void {
    this.bodies.push({ slot, body: factory, withEnv: true });
  }

  /** A new body for `slot` written as an object-literal method, getter or setter. */
  member(slot: number, holder: object, part: 'value' | 'get' | 'set'): void {
    const [descriptor] = Object.values(Object.getOwnPropertyDescriptors(holder));
    const body = descriptor?.[part] as Callable | undefined;
    if (typeof body === 'function') this.bodies.push({ slot, body, withEnv: false });
  }

  /** Registers the methods `[slot, key, part]` of an object literal this version makes; returns it. */
  members<T extends object>(list: Array<[number, string, 'value' | 'get' | 'set']>, object: T): T {
    for (const [slot, key, part] of list) {
      const body = Object.getOwnPropertyDescriptor(object, key)?.[part] as unknown;
      if (typeof body === 'function') this.bodies.push({ slot, body, withEnv: false });
    }
    return object;
  }

  /** An instance field a class of this version added (see fields.ts). */
  field(slot: number, name: string, init: (this: object) => unknown): void {
    this.fields.push({ slot, name, init });
  }

  /** An ES module's `import.meta` (a later version's code is not itself a module: it reads this). */
  get meta(): EsmAccess['meta'] | undefined {
    return this.module.esm?.meta;
  }

  /**
   * Binds the names of an import a later version added (`[local, imported]`, `*` for the
   * namespace), reading the namespace fetched for statement `index`: live, as imports are.
   */
  bindImport(index: number, names: Array<[string, string]>): void {
    const namespace = this.imported.get(index) as Record<string, unknown> | undefined;
    if (!namespace) throw new Error(`hotpatch: the import at statement ${index} was not loaded`);
    for (const [local, imported] of names) {
      // As linking an ES module would: a name the module does not export is an error, not undefined.
      if (imported !== '*' && !(imported in namespace) && !this.importedWithRelease.get(index)?.has(imported))
        throw new SyntaxError(`the module imported as '${local}' has no export named '${imported}'`);
      const get = imported === '*' ? () => namespace : () => namespace[imported];
      Object.defineProperty(this.s, local, { get, enumerable: true, configurable: true });
    }
  }

  /**
   * A new top-level statement threw: an error a framework raises for what it accepts only
   * before the app starts is said as needing a restart; any other fails the load.
   */
  startupOnly(error: unknown, statement: string): void {
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code !== 'string' || !STARTUP_ONLY.has(code)) throw error;
    this.#didNotRun(
      statement,
      `${(error as Error).message} (the framework takes this only while the app starts); restart to apply it`,
    );
  }

  /**
   * Before a new top-level statement that registers a route on `target`: true, with the
   * statement said as needing a restart, when `target`'s framework fixed its routes at
   * startup (the statement then does not run).
   */
  fixedRoutes(target: unknown, statement: string): boolean {
    const why = fixedRouteTable(target);
    if (why === undefined) return false;
    this.#didNotRun(statement, `${why}; restart to apply it`);
    return true;
  }

  /**
   * A changed initializer's value for `name` (see kept-state.ts): `next()`, or the running value
   * when the app changed it since it was made from `initial()`, which the report then says.
   */
  renew(
    name: string,
    line: number,
    running: () => unknown,
    initial: () => unknown,
    next: () => unknown,
    nextIsLiteral = false,
  ): unknown {
    const value = running();
    const made = initial();
    if (unchangedSinceStartup(value, made)) return next();
    const at = this.rebound.indexOf(name);
    if (at >= 0) this.rebound.splice(at, 1);
    // A new literal is made again without effects: what it adds to an object the app keeps, the
    // kept object gains (`{ hits: 0 }` made `{ hits: 0, sets: 0 }`: the counts, and `sets`).
    const gained = nextIsLiteral ? addFields(value, made, next()) : { added: [], onlyAdded: false };
    this.added.push(...gained.added.map((field) => `${name}.${field}`));
    if (!gained.onlyAdded) this.notApplied.push(keptNote(name, line));
    return value;
  }

  /**
   * A changed `new …` initializer's value for `name` (`new LRUCache({ max: 500 })` made
   * `max: 1000`): the new object, in place of the running one, which the report names when it
   * may hold what the app put in it (kept-state.ts, mayHoldState), by the class `written` in
   * the code, where there is one.
   */
  replace(name: string, line: number, written: string | null, running: () => unknown, next: () => unknown): unknown {
    const value = running();
    const made = next();
    if (value !== made && mayHoldState(value)) this.dropped.push(droppedNote(name, line, made, written ?? undefined));
    return made;
  }

  /** A top-level statement that ran to its end made anew the variables its functions held (block-state.ts). */
  startedOver(note: string): void {
    this.dropped.push(note);
  }

  #didNotRun(statement: string, why: string): void {
    const at = this.ran.indexOf(statement);
    if (at >= 0) this.ran.splice(at, 1);
    this.notApplied.push(`${statement}: ${why}`);
    this.notRun.set(this.#statement, why);
  }

  /** An ES module's later version runs as an async function (its top level may await): this is its promise. */
  run(evaluation: Promise<unknown>): void {
    this.evaluation = evaluation;
  }

  /** From a first version's setter: a write made through a staging layer stays in it. */
  w(target: object, key: string, value: unknown): void {
    stageWrite(target, key, value);
  }

  /** Makes this version's bindings and bodies the module's. */
  install(): void {
    const { module } = this;
    const staging = this.#staging;
    if (staging) {
      for (const key of Reflect.ownKeys(staging)) {
        if (typeof key !== 'string') continue;
        const descriptor = Object.getOwnPropertyDescriptor(staging, key)!;
        // An import's binding is a getter (see bindImport): it goes over as one.
        const running = Object.getOwnPropertyDescriptor(module.bindings, key);
        // An import's binding is a getter (see bindImport), and so is a first version's
        // import: a new one, or a value in place of an import, goes over as a property.
        if (descriptor.get || (running?.get && !running.set)) Object.defineProperty(module.bindings, key, descriptor);
        else module.bindings[key] = descriptor.value;
      }
      this.#staging = undefined;
    }
    for (const { slot, body, withEnv } of this.bodies) module.replace(slot, body, this.generation, withEnv);
    // What still needs a restart: the statements of earlier loads this version keeps, and its own.
    const kept = new Set(this.statementIds);
    for (const id of module.needsRestart.keys()) if (!kept.has(id)) module.needsRestart.delete(id);
    for (const [index, why] of this.#notRun ?? []) {
      const id = this.statementIds[index];
      if (id) module.needsRestart.set(id, why);
    }
  }
}

/** Error codes of what frameworks accept only while the app starts (Fastify's routes, decorators, plugins once it listens; a cluster's workers: cluster-forks.ts). */
const STARTUP_ONLY = new Set([
  FORK_WHILE_LOADING,
  'FST_ERR_INSTANCE_ALREADY_LISTENING',
  'FST_ERR_DEC_AFTER_START',
  'FST_ERR_CTP_INSTANCE_ALREADY_STARTED',
  'FST_ERR_ROOT_PLG_BOOTED',
  'AVV_ERR_ROOT_PLG_BOOTED',
]);

/**
 * Writes land here until commit; reads fall through to the live bindings. The first
 * version's accessors forward a write to their variable only when it is made on the live
 * record itself (see instrument.ts), so a write through this layer stays in it.
 */
function stagingLayer(live: Record<string, unknown>): Record<string, unknown> {
  return Object.create(live) as Record<string, unknown>;
}

/** Called by a first version's setters when a write arrives through a staging layer. */
function stageWrite(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}
