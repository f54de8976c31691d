/**
 * Ordered registrations: routes and middleware that a module's top-level statements append to
 * a framework's list (Express's router stack, Koa's middleware, @koa/router's and Hono's
 * routes: hono-routes.ts; Fastify's router is no list: fastify-routes.ts). Order is behaviour there: a route added after the 404 handler never
 * answers. So each entry is attributed to the statement that registered it, and
 * - a statement that a load adds runs, and what it registers moves to where its statement
 *   stands in the file: before the entries of the statements that follow it;
 * - a statement that a load removes (or changes) has its entries taken out again, so its route
 *   stops answering. That is what a restart would do, without the restart.
 *
 * The lists are reached by wrapping the few methods that append to them, when the framework's
 * file is loaded (for Hono, the class its apps are made from): nothing else of the framework is
 * touched. What a statement registers outside a list (an event listener: listeners.ts) is taken
 * back by a function of its own.
 */
import { basename, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LiveModule, VersionScope } from './live-module';
import { changed, followChanges } from './koa-composition';
import { adaptFastifyRouting } from './fastify-routes';
import { adaptHonoBase } from './hono-routes';
import { adaptNestRouterExplorer } from './nest-routes';
import { adaptNestModuleInitHook } from './nest-schedule';
import { adaptNodeCron } from './scheduled-jobs';
import { assignableExportLocal } from './rebind-export';
import { currentFrame, evaluatingAny } from './top-level';

interface Attribution {
  module: LiveModule;
  statement: object;
}
const attributions = new WeakMap<object, Attribution>();

/** What a statement registered, to take back if a load removes the statement. */
export interface Registration {
  /** The list it is an entry of; none for what `remove` takes back (an event listener: listeners.ts). */
  list?: WeakRef<unknown[]>;
  entry: WeakRef<object>;
  /** Takes it back where it is not a list's entry; false if it was already gone. */
  remove?: () => boolean;
  /**
   * The app's own functions that were running when it was made, as `callerKey`s: a route a
   * router factory adds, registered while the statement that called the factory ran, names
   * the factory here (see statementsCalling).
   */
  callers: ReadonlySet<string>;
}

function appended(list: unknown[], before: number): void {
  const frame = currentFrame();
  const scope = frame?.scope;
  if (!scope || frame.index < 0 || list.length <= before) return;
  const statement = scope.statementIds[frame.index];
  if (!statement) return;
  const added = list.slice(before);
  changed(list);
  const module = scope.module;
  const callers = appFunctionsOnStack();
  for (const entry of added) {
    if (typeof entry !== 'object' && typeof entry !== 'function') continue;
    if (entry === null) continue;
    attributions.set(entry, { module, statement });
    const registrations = module.registrations.get(statement) ?? [];
    registrations.push({ list: new WeakRef(list), entry: new WeakRef(entry), callers });
    module.registrations.set(statement, registrations);
  }
  if (scope.generation > 1) placeInOrder(list, before, added, scope, frame.index);
}

/**
 * Records `entry`, which the module whose statement runs now made and `remove` takes back, as
 * that statement's registration (a load that takes the statement out calls `remove`).
 */
export function registeredByStatement(entry: object, remove: () => boolean): void {
  const frame = currentFrame();
  const scope = frame?.scope;
  if (!scope || frame.index < 0) return;
  const statement = scope.statementIds[frame.index];
  if (!statement) return;
  const registrations = scope.module.registrations.get(statement) ?? [];
  registrations.push({ entry: new WeakRef(entry), remove, callers: appFunctionsOnStack() });
  scope.module.registrations.set(statement, registrations);
}

/** Moves `added` (at the end of `list`) before the first entry of a statement that follows its own. */
function placeInOrder(list: unknown[], before: number, added: unknown[], scope: VersionScope, index: number): void {
  for (let k = 0; k < before; k++) {
    const entry = list[k];
    const owner = typeof entry === 'object' || typeof entry === 'function' ? attributions.get(entry!) : undefined;
    if (owner?.module !== scope.module) continue;
    if (scope.statementIds.indexOf(owner.statement) > index) {
      list.splice(before, added.length);
      list.splice(k, 0, ...added);
      return;
    }
  }
}

/** Takes out what the given statements registered; returns how many entries went. */
export function unregister(module: LiveModule, statements: Iterable<object>): number {
  let removed = 0;
  for (const statement of statements) {
    for (const { list, entry, remove } of module.registrations.get(statement) ?? []) {
      if (remove) {
        if (remove()) removed++;
        continue;
      }
      const array = list?.deref();
      const value = entry.deref();
      const at = array && value ? array.indexOf(value) : -1;
      if (at >= 0) {
        array!.splice(at, 1);
        changed(array!);
        removed++;
      }
    }
    module.registrations.delete(statement);
  }
  return removed;
}

/**
 * The functions an entry calls: itself (Koa middleware), its handle (an Express layer), its
 * route's handlers (an Express route), its middleware (an @koa/router layer).
 */
function handlersOf(entry: object): unknown[] {
  const layer = entry as { handle?: unknown; route?: { stack?: Array<{ handle?: unknown }> }; stack?: unknown };
  return [
    entry,
    layer.handle,
    ...(Array.isArray(layer.route?.stack) ? layer.route.stack.map((l) => l.handle) : []),
    ...(Array.isArray(layer.stack) ? (layer.stack as unknown[]) : []),
  ];
}

/** The statements of `modules` that registered one of `functions` as a route or middleware, by module. */
export function statementsRegistering(
  modules: Iterable<LiveModule>,
  functions: ReadonlySet<unknown>,
): Map<LiveModule, Set<object>> {
  const found = new Map<LiveModule, Set<object>>();
  if (functions.size === 0) return found;
  for (const module of modules) {
    for (const [statement, registrations] of module.registrations) {
      const registers = registrations.some(({ entry }) => {
        const value = entry.deref();
        return value !== undefined && handlersOf(value).some((f) => functions.has(f));
      });
      if (!registers) continue;
      const statements = found.get(module) ?? new Set<object>();
      statements.add(statement);
      found.set(module, statements);
    }
  }
  return found;
}

/**
 * The statements of `modules` that registered something while function `label` of `file`
 * ran, by module: the statements that called a router factory at startup.
 */
export function statementsCalling(
  modules: Iterable<LiveModule>,
  file: string,
  label: string,
): Map<LiveModule, Set<object>> {
  const key = callerKey(file, label);
  const found = new Map<LiveModule, Set<object>>();
  for (const module of modules) {
    for (const [statement, registrations] of module.registrations) {
      if (!registrations.some(({ callers }) => callers.has(key))) continue;
      const statements = found.get(module) ?? new Set<object>();
      statements.add(statement);
      found.set(module, statements);
    }
  }
  return found;
}

/** How `callers` names function `name` of `file`. */
export const callerKey = (file: string, name: string): string => `${file}\0${name}`;

/**
 * The named functions of the app's own files (not under node_modules) on the stack, as
 * `callerKey`s, with `Class.method` for methods as the patch's labels name them. Read from
 * V8's structured stack, only while a top level runs (startup, and loads).
 */
function appFunctionsOnStack(): Set<string> {
  const found = new Set<string>();
  // A stack V8 would not give (no sites): the registration names no caller (it is then never run again).
  for (const site of callSites(64, appFunctionsOnStack)) {
    const name = site.getFunctionName();
    const file = fileOf(site.getFileName());
    if (!name || !file || file.includes(`${sep}node_modules${sep}`)) continue;
    found.add(callerKey(file, name));
    const type = site.getTypeName();
    if (type) found.add(callerKey(file, `${type}.${name}`));
  }
  return found;
}

/** The stack's structured frames below `below` (at most `limit`), innermost first; none if V8 would not give them. */
export function callSites(limit: number, below: Function): NodeJS.CallSite[] {
  const { prepareStackTrace, stackTraceLimit } = Error;
  try {
    Error.stackTraceLimit = limit;
    Error.prepareStackTrace = (_error, sites) => sites;
    const holder: { stack?: NodeJS.CallSite[] } = {};
    Error.captureStackTrace(holder, below);
    return holder.stack ?? [];
  } catch {
    return [];
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/** A stack frame's file as the code server names modules: a path (an ES module's URL without its query). */
export function fileOf(name: string | null | undefined): string | undefined {
  if (!name || name.startsWith('node:')) return undefined;
  if (!name.startsWith('file:')) return name;
  try {
    return fileURLToPath(name.split('?')[0]!);
  } catch {
    return undefined;
  }
}

/** Calls `call`; what it appends to `list` while a top level runs is attributed to its statement. */
export function recordAppends<T>(list: unknown, call: () => T): T {
  const tracked = evaluatingAny() && Array.isArray(list) ? list : undefined;
  const before = tracked?.length ?? 0;
  const result = call();
  if (tracked) appended(tracked, before);
  return result;
}

/** Wraps `owner[method]`, which appends to the list `listOf(this)` gives. */
function wrapAppender(owner: object, method: string, listOf: (self: unknown) => unknown): void {
  const original = (owner as Record<string, unknown>)[method];
  if (typeof original !== 'function' || (original as { [WRAPPED]?: true })[WRAPPED]) return;
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    return recordAppends(evaluatingAny() ? listOf(this) : undefined, () => Reflect.apply(original, this, args));
  };
  Object.defineProperties(wrapped, Object.getOwnPropertyDescriptors(original));
  Object.defineProperty(wrapped, WRAPPED, { value: true });
  (owner as Record<string, unknown>)[method] = wrapped;
}
const WRAPPED = Symbol('hotpatch.registrations');

const stackOf = (self: unknown): unknown => (self as { stack?: unknown } | null)?.stack;

interface Adapter {
  path: string[];
  /**
   * Adapts the framework, given its exports (CommonJS) or namespace (ES module); `rebound`
   * holds the `rebinds` export of an ES module, to be replaced by what it is to be.
   */
  adapt: (exports: unknown, rebound: Record<string, unknown> | undefined, file: string) => void;
  /** The export of the framework's ES module that `adapt` replaces (see frameworkModuleCode). */
  rebinds?: string;
}

/** The frameworks' files (under node_modules) and the methods of theirs that append to a list. */
const ADAPTERS: Adapter[] = [
  {
    // Express 5's router (the `router` package): app.use, app.get, router.use, router.get.
    path: ['router', 'index.js'],
    adapt: (exports) => {
      const proto = (exports as { prototype?: object }).prototype;
      if (proto) for (const method of ['use', 'route']) wrapAppender(proto, method, stackOf);
    },
  },
  {
    // Express 4's router: its methods are properties of the module's export itself.
    path: ['express', 'lib', 'router', 'index.js'],
    adapt: (exports) => {
      for (const method of ['use', 'route']) wrapAppender(exports as object, method, stackOf);
    },
  },
  {
    path: ['koa', 'lib', 'application.js'],
    adapt: (exports) => {
      const proto = (exports as { prototype?: object }).prototype;
      if (!proto) return;
      wrapAppender(proto, 'use', (self) => (self as { middleware?: unknown } | null)?.middleware);
      followChanges(proto);
    },
  },
  {
    path: ['@koa', 'router', 'dist', 'index.js'],
    adapt: (exports) => {
      const proto = (exports as { prototype?: object }).prototype;
      if (proto) wrapAppender(proto, 'register', stackOf);
    },
  },
  {
    path: ['@koa', 'router', 'lib', 'router.js'],
    adapt: (exports) => {
      const proto = (exports as { prototype?: object }).prototype;
      if (proto) wrapAppender(proto, 'register', stackOf);
    },
  },
  {
    // @koa/router's ES module build, which `import Router from '@koa/router'` loads: its
    // namespace (see frameworkModuleCode).
    path: ['@koa', 'router', 'dist', 'index.mjs'],
    adapt: (namespace) => {
      const proto = (namespace as { Router?: { prototype?: object } }).Router?.prototype;
      if (proto) wrapAppender(proto, 'register', stackOf);
    },
  },
  {
    // Fastify's routing, which each app's router is made by (see fastify-routes.ts).
    path: ['fastify', 'lib', 'route.js'],
    adapt: (exports, _rebound, file) => adaptFastifyRouting(exports, file),
  },
  {
    // NestJS's mapping of a controller's methods to routes (see nest-routes.ts).
    path: ['@nestjs', 'core', 'router', 'router-explorer.js'],
    adapt: (exports) => adaptNestRouterExplorer(exports),
  },
  {
    // NestJS's module initialisation, which finds @nestjs/schedule's explorer (see nest-schedule.ts).
    path: ['@nestjs', 'core', 'hooks', 'on-module-init.hook.js'],
    adapt: (exports) => adaptNestModuleInitHook(exports),
  },
  {
    // node-cron's jobs, the CommonJS build and the ES module one (see scheduled-jobs.ts).
    path: ['node-cron', 'dist', 'node-cron.cjs'],
    adapt: (exports) => adaptNodeCron(exports),
  },
  {
    path: ['node-cron', 'dist', 'node-cron.js'],
    adapt: (namespace) => adaptNodeCron(namespace),
  },
  {
    // Hono's CommonJS build: the class its apps are made from (see hono-routes.ts).
    path: ['hono', 'dist', 'cjs', 'hono-base.js'],
    adapt: (exports) => {
      const module = exports as { HonoBase?: unknown };
      if (module.HonoBase) module.HonoBase = adaptHonoBase(module.HonoBase);
    },
  },
  {
    // Hono's ES module build, which `import { Hono } from 'hono'` loads.
    path: ['hono', 'dist', 'hono-base.js'],
    rebinds: 'HonoBase',
    adapt: (_namespace, rebound) => {
      if (rebound?.HonoBase) rebound.HonoBase = adaptHonoBase(rebound.HonoBase);
    },
  },
];

/** The adapted files' own names: what tells most files apart from them. */
const ADAPTED_FILE_NAMES = new Set(ADAPTERS.map((adapter) => adapter.path.at(-1)));

function adapterOf(filename: string): (typeof ADAPTERS)[number] | undefined {
  // Every CommonJS file Node compiles comes here, an app's hundreds at its start: most are
  // told apart by their name, without splitting their path.
  if (!ADAPTED_FILE_NAMES.has(basename(filename))) return undefined;
  const parts = filename.split(sep);
  const inModules = parts.lastIndexOf('node_modules');
  if (inModules < 0) return undefined;
  const tail = parts.slice(inModules + 1);
  return ADAPTERS.find((adapter) => tail.length === adapter.path.length && adapter.path.every((p, i) => tail[i] === p));
}

/**
 * Called for every CommonJS file Node compiles that is not hot, with its exports, and for the
 * framework ES modules above, with their namespace: adapts the frameworks above.
 */
export function adaptFramework(filename: string, exports: unknown, rebound?: Record<string, unknown>): void {
  if (exports === null || (typeof exports !== 'object' && typeof exports !== 'function')) return;
  adapterOf(filename)?.adapt(exports, rebound, filename);
}

/** Whether `file` is one of the frameworks' files above. */
export function isFrameworkFile(file: string): boolean {
  return adapterOf(file) !== undefined;
}

/**
 * A framework's ES module, given to the app with a last statement that hands its own namespace
 * to `adaptFramework` once it has evaluated (an ES module's exports are reached no other way),
 * through `agent`, the expression of the agent's global.
 */
export function frameworkModuleCode(file: string, url: string, code: string, agent: string): string {
  const self = '__hotpatch$framework';
  const adapt = (rebound = ''): string => `${agent}?.adaptFramework?.(${JSON.stringify(file)}, ${self}${rebound})`;
  const exported = adapterOf(file)?.rebinds;
  const local = exported === undefined ? undefined : assignableExportLocal(code, exported);
  // The export's binding takes what the adapter made of it (the namespace cannot be written).
  const rebound = '__hotpatch$rebound';
  const statement =
    local === undefined
      ? `${adapt()};`
      : `{const ${rebound}={${JSON.stringify(exported)}:${local}};${adapt(`,${rebound}`)};` +
        `try{${local}=${rebound}[${JSON.stringify(exported)}];}catch{}}`;
  return `${code}\n;import * as ${self} from ${JSON.stringify(url)};${statement}\n`;
}
