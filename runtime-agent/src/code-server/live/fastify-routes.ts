/**
 * Fastify's routes, added and taken back by a load as Express's are (registrations.ts).
 *
 * Fastify takes routes only while the app starts: once it listens, `app.get(…)` throws
 * FST_ERR_INSTANCE_ALREADY_LISTENING, so a route a load added to the entry file needed a
 * restart. What Fastify does for a route is: put it in its find-my-way router at once, then, as
 * its plugins have loaded (avvio's `after`) and as the app gets ready (`preReady`), give its
 * context the error handler, hooks and 404 context of its instance and compile its schemas.
 * While a load's top level runs, a route added to an app that started goes through the same
 * steps, run at once: the instance is let take it (its `started` state cleared for the call),
 * and the `after` and `preReady` callbacks Fastify registers for it run as they are registered.
 *
 * Each route a hot module's top-level statement adds (at startup or in a load) is that
 * statement's registration: a load that takes the statement out, or changes it (a new path),
 * takes the route out of the router (find-my-way's `off`), so it stops answering as after a
 * restart. A changed statement that declares its route again at the same path (a new schema)
 * takes the place of its old version's route; if the load does not go through, the old one is
 * put back. Routes a plugin adds are its own (see fastify-plugins.ts).
 *
 * Reached by adapting fastify/lib/route.js as it loads: its `buildRouting` (each Fastify app's
 * router) and, through the same resolution, find-my-way's `on`.
 */
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { followPlugins } from './fastify-plugins';
import { registeredByStatement } from './registrations';
import type { LiveModule } from './live-module';
import { currentFrame, evaluatingAny } from './top-level';

type Callable = (...args: unknown[]) => unknown;
interface FastifyRouting {
  setup?: Callable;
  route?: Callable;
  prepareRoute?: Callable;
}
interface FindMyWay {
  on: Callable;
  off(method: string, path: string, constraints?: object): void;
  findRoute?(method: string, path: string, constraints?: object): unknown;
}
interface FastifyState {
  started?: boolean;
}

const ADAPTED = Symbol('hotpatch.fastify');
/** The avvio instance each app's router was set up with: it runs the app's `preReady`. */
const avvioOf = new WeakMap<object, EventEmitter>();
/** A route as find-my-way took it, with what puts it back. */
export interface DeclaredRoute {
  router: FindMyWay;
  method: string;
  path: string;
  constraints: object;
  /** The arguments of `on` it was added with (for one method); `on[4]`, its store, is its identity. */
  on: unknown[];
  /** The statement whose registration it is, if a hot module's top level added it. */
  owner?: { module: LiveModule; statement: object };
  /** The route of the old version of its statement that it took the place of (see recordRoute). */
  displaced?: DeclaredRoute;
  /** Its statement went: it is never put back. */
  gone?: boolean;
  /** The list of its instance's routes it is in (see declaredOn). */
  declaredWith?: DeclaredRoute[];
}
/** The routes declared on each Fastify instance (a plugin's own, see fastify-plugins.ts). */
const declared = new WeakMap<object, DeclaredRoute[]>();
/** The routes by their store, while in a router: what a route declared again at its path finds. */
const routeOfStore = new WeakMap<object, DeclaredRoute>();
/** The instances whose route methods run now, innermost last: find-my-way's routes are theirs. */
const declaring: object[] = [];
/** The instances a plugin runs again on (fastify-plugins.ts): routes declared on them are added late. */
const runningAgain = new Set<object>();
/** The routes added during a late call, so that a failure takes them out again. */
let addedLate: DeclaredRoute[] | undefined;
/** find-my-way's own `on`: what puts a route back adds it without declaring it again. */
let originalOn: Callable | undefined;

/** Adapts fastify/lib/route.js (`file`), given its exports. */
export function adaptFastifyRouting(exports: unknown, file: string): void {
  const module = exports as { buildRouting?: Callable & { [ADAPTED]?: true } };
  const build = module.buildRouting;
  if (typeof build !== 'function' || build[ADAPTED]) return;
  trackRoutes(file);
  const adapted = function (this: unknown, ...args: unknown[]): unknown {
    const routing = Reflect.apply(build, this, args) as FastifyRouting;
    if (routing && typeof routing === 'object') adaptRouting(routing);
    return routing;
  };
  Object.defineProperty(adapted, ADAPTED, { value: true });
  module.buildRouting = adapted;
}

function adaptRouting(routing: FastifyRouting): void {
  const setup = routing.setup;
  if (typeof setup === 'function') {
    routing.setup = function (this: unknown, ...args: unknown[]): unknown {
      const avvio = (args[1] as { avvio?: unknown } | undefined)?.avvio;
      if (avvio instanceof EventEmitter) {
        avvioOf.set(routing, avvio);
        followPlugins(avvio);
      }
      return Reflect.apply(setup, this, args);
    };
  }
  // fastify.js calls these as `router.prepareRoute.call(this, …)`: looked up at each call.
  for (const name of ['route', 'prepareRoute'] as const) {
    const original = routing[name];
    if (typeof original !== 'function') continue;
    routing[name] = function (this: object, ...args: unknown[]): unknown {
      return addRoute(routing, this, () => Reflect.apply(original, this, args));
    };
  }
}

/**
 * Adds a route as `add` does; to an app that started, while a load's top level runs, with the
 * steps Fastify defers run at once (see above). If one throws (a schema that does not
 * compile), the route is taken out again and the error goes to the statement.
 */
function addRoute(routing: FastifyRouting, instance: object, add: () => unknown): unknown {
  declaring.push(instance);
  try {
    return addRouteTo(routing, instance, add);
  } finally {
    declaring.pop();
  }
}

function addRouteTo(routing: FastifyRouting, instance: object, add: () => unknown): unknown {
  const state = stateOf(instance);
  const avvio = avvioOf.get(routing);
  const late = currentFrame()?.loading === true || runningAgain.has(instance);
  if (!state?.started || !avvio || !late || addedLate) return add();
  const deferred: Callable[] = [];
  const after = Object.getOwnPropertyDescriptor(instance, 'after');
  Object.defineProperty(instance, 'after', {
    value: (callback: Callable) => (deferred.push(callback), instance),
    configurable: true,
    writable: true,
  });
  const once = Object.getOwnPropertyDescriptor(avvio, 'once');
  const added: DeclaredRoute[] = (addedLate = []);
  try {
    state.started = false;
    let result: unknown;
    try {
      result = add();
    } finally {
      state.started = true;
      restore(instance, 'after', after);
    }
    Object.defineProperty(avvio, 'once', {
      value(this: EventEmitter, event: string | symbol, listener: Callable): EventEmitter {
        if (event !== 'preReady') return EventEmitter.prototype.once.call(this, event, listener);
        listener.call(this);
        return this;
      },
      configurable: true,
      writable: true,
    });
    for (const callback of deferred) {
      callback(null, (error: unknown) => {
        if (error) throw error;
      });
    }
    return result;
  } catch (error) {
    for (const route of added) retire(route);
    throw error;
  } finally {
    restore(avvio, 'once', once);
    addedLate = undefined;
  }
}

/** `this[kState]` of a Fastify instance (own or inherited: an encapsulated instance shares its root's). */
function stateOf(instance: object): FastifyState | undefined {
  for (let object: object | null = instance; object; object = Object.getPrototypeOf(object) as object | null) {
    const key = Object.getOwnPropertySymbols(object).find((symbol) => symbol.description === 'fastify.state');
    if (key) return (object as Record<symbol, FastifyState | undefined>)[key];
  }
  return undefined;
}

function restore(object: object, key: string, descriptor: PropertyDescriptor | undefined): void {
  if (descriptor) Object.defineProperty(object, key, descriptor);
  else delete (object as Record<string, unknown>)[key];
}

/**
 * Each route find-my-way takes while a hot module's top level runs is that statement's
 * registration, taken out with `off`. The find-my-way Fastify's router uses: resolved from
 * Fastify's own file, as Fastify resolves it.
 */
function trackRoutes(fastifyFile: string): void {
  let proto: FindMyWay | undefined;
  try {
    proto = (createRequire(fastifyFile)('find-my-way') as { prototype?: FindMyWay }).prototype;
  } catch {
    return; // routes work as before; a load that takes one out says a restart does it
  }
  const on = proto?.on;
  if (!proto || typeof on !== 'function' || (on as { [ADAPTED]?: true })[ADAPTED]) return;
  originalOn = on;
  const tracked = function (this: FindMyWay, ...args: unknown[]): unknown {
    const displaced = addedLate ? displace(this, args) : undefined;
    let result: unknown;
    try {
      result = Reflect.apply(on, this, args);
    } catch (error) {
      if (displaced) putBack(displaced);
      throw error;
    }
    if (declaring.length > 0 || evaluatingAny()) recordRoute(this, args, displaced);
    return result;
  };
  Object.defineProperty(tracked, ADAPTED, { value: true });
  proto.on = tracked;
}

/**
 * `on(method, path, [opts], handler, [store])`: one route per method, the declaring instance's;
 * while a hot module's top level runs, its statement's registration.
 */
function recordRoute(router: FindMyWay, args: unknown[], displaced: DeclaredRoute | undefined): void {
  const [method, path, opts, , store] = args;
  if (typeof path !== 'string') return;
  const instance = declaring.at(-1);
  const frame = currentFrame();
  const statement = frame?.scope && frame.index >= 0 ? frame.scope.statementIds[frame.index] : undefined;
  for (const each of Array.isArray(method) ? method : [method]) {
    if (typeof each !== 'string') continue;
    const route: DeclaredRoute = {
      router,
      method: each,
      path,
      constraints: constraintsOf(opts),
      on: [each, ...args.slice(1)],
    };
    if (displaced?.method === each) route.displaced = displaced;
    if (typeof store === 'object' && store !== null) routeOfStore.set(store, route);
    if (instance) (route.declaredWith = declaredOn(instance)).push(route);
    addedLate?.push(route);
    if (frame?.scope && statement) {
      route.owner = { module: frame.scope.module, statement };
      registeredByStatement(typeof store === 'object' && store !== null ? store : router, () => retire(route));
    }
  }
}

const constraintsOf = (opts: unknown): object =>
  typeof opts === 'object' && opts !== null ? ((opts as { constraints?: object }).constraints ?? {}) : {};

/**
 * Before a late `on`: the route already at its method and path, taken out, when the old version
 * of a statement the load replaces added it (its own route, declared again: a new schema).
 */
function displace(router: FindMyWay, [method, path, opts]: unknown[]): DeclaredRoute | undefined {
  if (typeof method !== 'string' || typeof path !== 'string' || !router.findRoute) return undefined;
  const found = router.findRoute(method, path, constraintsOf(opts)) as { store?: unknown } | null;
  const existing = found && typeof found.store === 'object' && found.store ? routeOfStore.get(found.store) : undefined;
  const scope = currentFrame()?.scope;
  const owner = existing?.owner;
  if (!existing || !owner || !scope || owner.module !== scope.module || scope.statementIds.includes(owner.statement)) {
    return undefined; // another route: find-my-way says it is declared twice, as Fastify would at startup
  }
  takeOut(existing);
  return existing;
}

/** The routes declared on `instance` so far (the array itself). */
export function declaredOn(instance: object): DeclaredRoute[] {
  let routes = declared.get(instance);
  if (!routes) declared.set(instance, (routes = []));
  return routes;
}

/** Takes `route` out of its router; false if it was not there (another route may have its path now). */
export function takeOut(route: DeclaredRoute): boolean {
  const { router, method, path, constraints } = route;
  const found = router.findRoute?.(method, path, constraints) as { store?: unknown } | null | undefined;
  if (found === null || (found && found.store !== route.on[4])) return false;
  router.off(method, path, constraints);
  return true;
}

/**
 * Its statement went (a load took it out, or did not go through): taken out for good, and the
 * route of the old version it displaced put back, unless that one's statement went too.
 */
function retire(route: DeclaredRoute): boolean {
  route.gone = true;
  const removed = takeOut(route);
  const at = route.declaredWith?.indexOf(route) ?? -1;
  if (at >= 0) route.declaredWith!.splice(at, 1);
  const displaced = route.displaced;
  route.displaced = undefined;
  if (displaced && !displaced.gone) putBack(displaced);
  return removed;
}

/** Puts `route` back into its router as it was added. */
export function putBack(route: DeclaredRoute): void {
  Reflect.apply(originalOn ?? route.router.on, route.router, route.on);
}

/** While `run` runs, routes declared on `instance` are added although the app started (see fastify-plugins.ts). */
export async function declaringAgainOn<T>(instance: object, run: () => Promise<T>): Promise<T> {
  runningAgain.add(instance);
  try {
    return await run();
  } finally {
    runningAgain.delete(instance);
  }
}
