/**
 * Hono's route table, live. Hono keeps an app's routes twice: as the list `app.routes` (shared
 * with the apps `basePath` and `route` make from it) and in its router, which builds its matcher
 * at the first request and takes no route after that ("Can not add a route since the matcher is
 * already built"). A load that adds, moves or takes back a route changes the list, as for
 * Express (registrations.ts), and the router follows the list: at the first request after the
 * list changed, a new router of the same kind is made from it, in its order. A sub-app's routes
 * are copied into the app that mounts it (`app.route('/books', books)`), so what a load adds to
 * a mounted sub-app is mounted again there, in its place.
 *
 * An app's route methods (`get`, `use`, …) are its own properties, made by its constructor. So
 * the class Hono builds on (HonoBase) is handed to the rest of Hono as a subclass that follows
 * each app it makes, and `basePath` follows the apps Hono makes from an app. A route table whose
 * router cannot be made again stays fixed, as before (fixed-routes.ts says so).
 */
import { changed, versionOf } from './koa-composition';
import { recordAppends } from './registrations';
import { currentFrame } from './top-level';

interface Router {
  add(method: string, path: string, handler: unknown): void;
  match(method: string, path: string): unknown;
}

/** An entry of `app.routes`, as Hono's `#addRoute` makes it. */
interface RouteEntry {
  method: string;
  path: string;
  handler: unknown;
}

interface HonoApp {
  routes: RouteEntry[];
  router: Router;
}

type HonoClass = new (options?: object) => HonoApp;

/** The app's own methods that add routes (Hono's HTTP methods, `all`, `on`, `use`). */
const ROUTE_METHODS = ['get', 'post', 'put', 'delete', 'options', 'patch', 'query', 'all', 'on', 'use'];
/** The methods of Hono's prototype that add routes to the app they are called on. */
const PROTOTYPE_APPENDERS = ['route', 'mount'];

interface Followed {
  router: Router;
  /** The version of the routes list (versionOf) that `router` holds. */
  listVersion: number;
  /** The first router the app was given, unbuilt: the kind its new routers are made as. */
  first: Router | undefined;
  /** Makes an empty router of the app's kind; null when it cannot (its routes stay fixed); undefined until asked. */
  makeRouter: (() => Router) | undefined | null;
  /** For an app `basePath` made: the app it was made from, whose routers it shares. */
  source?: { app: object; state: Followed };
  /** What `router` is while a load's top level runs (see routerOf). */
  duringLoads?: Router;
}
const followed = new WeakMap<object, Followed>();
/**
 * Where each sub-app was mounted (`parent.route(path, subApp)`): Hono copied its routes there,
 * and what a load adds to it is mounted there again.
 */
const mounts = new WeakMap<object, Mount[]>();
interface Mount {
  parent: HonoApp;
  path: unknown;
}
/** The property by which Hono marks a handler it wrapped to give a sub-app's routes its error handler. */
const COMPOSED_HANDLER = '__COMPOSED_HANDLER';
/** The subclasses adaptHonoBase made, to tell Hono's own classes from the app's. */
const adapted = new WeakSet<object>();
/** Set while an app is made only to learn the kind of router Hono gives an app. */
let probing = false;

/** HonoBase, as the rest of Hono is to see it: a subclass that follows each app it makes. */
export function adaptHonoBase(HonoBase: unknown): unknown {
  if (typeof HonoBase !== 'function' || adapted.has(HonoBase)) return HonoBase;
  const proto = (HonoBase as { prototype?: Record<string, unknown> }).prototype;
  if (!proto) return HonoBase;
  wrapPrototype(proto);
  const Base = HonoBase as HonoClass;
  const Adapted = class extends Base {
    constructor(options?: object) {
      super(options);
      if (!probing) follow(this, undefined);
    }
  };
  Object.defineProperty(Adapted, 'name', { value: Base.name });
  adapted.add(Adapted);
  return Adapted;
}

function wrapPrototype(proto: Record<string, unknown>): void {
  for (const method of PROTOTYPE_APPENDERS) {
    const original = proto[method];
    if (typeof original !== 'function') continue;
    proto[method] = function (this: HonoApp, ...args: unknown[]): unknown {
      if (method === 'route') recordMount(this, args[0], args[1]);
      return appending(this, () => Reflect.apply(original, this, args));
    };
  }
  const basePath = proto.basePath;
  if (typeof basePath === 'function') {
    proto.basePath = function (this: HonoApp, ...args: unknown[]): unknown {
      const made: unknown = Reflect.apply(basePath, this, args);
      // It shares this app's list and router: new routers are made as this app's are.
      const parent = followed.get(this);
      if (made !== null && typeof made === 'object') follow(made as HonoApp, parent && { app: this, state: parent });
      return made;
    };
  }
}

/**
 * Why `app`'s route table takes no new route once the app has started; undefined if it takes
 * them: its router, and those of the apps it is mounted into, can be made again.
 */
export function honoRoutesFixed(app: object, seen = new Set<object>()): string | undefined {
  const state = followed.get(app);
  if (!state || !routerMaker(app, state)) return 'Hono’s router takes no route once it has served a request';
  seen.add(app);
  for (const { parent } of mounts.get(app) ?? []) {
    if (seen.has(parent)) continue;
    const why = honoRoutesFixed(parent, seen);
    if (why) return `Hono copied this sub-app’s routes into an app that mounts it, and there: ${why}`;
  }
  return undefined;
}

function recordMount(parent: HonoApp, path: unknown, subApp: unknown): void {
  if (subApp === null || typeof subApp !== 'object') return;
  const known = mounts.get(subApp) ?? [];
  if (!known.some((mount) => mount.parent === parent && mount.path === path)) known.push({ parent, path });
  mounts.set(subApp, known);
}

/** Wraps `app`'s route methods and makes its router follow its routes list. */
function follow(app: HonoApp, source: Followed['source']): void {
  if (followed.has(app)) return;
  const own = Object.getOwnPropertyDescriptor(app, 'router');
  const initial = own && 'value' in own ? (own.value as Router | undefined) : undefined;
  const state: Followed = {
    router: initial as Router,
    listVersion: versionOf(app.routes ?? []),
    first: source?.state.first ?? initial,
    makeRouter: undefined,
    source,
  };
  followed.set(app, state);
  for (const method of ROUTE_METHODS) {
    const original = (app as unknown as Record<string, unknown>)[method];
    if (typeof original !== 'function') continue;
    (app as unknown as Record<string, unknown>)[method] = (...args: unknown[]): unknown =>
      appending(app, () => Reflect.apply(original, app, args));
  }
  Object.defineProperty(app, 'router', {
    configurable: true,
    enumerable: true,
    get: () => routerOf(app, state),
    set: (router: Router) => {
      state.router = router;
      state.first ??= router;
      state.listVersion = versionOf(app.routes ?? []);
    },
  });
}

/**
 * Runs `call`, which adds routes to `app`: at startup its router took them as its list did;
 * in a load, what it added to a mounted sub-app is mounted again where the sub-app is.
 */
function appending<T>(app: HonoApp, call: () => T): T {
  const mountedAt = loading() ? mounts.get(app) : undefined;
  const before = mountedAt ? new Set(app.routes) : undefined;
  const result = recordAppends(app.routes, call);
  const state = followed.get(app);
  if (state && !loading()) state.listVersion = versionOf(app.routes);
  else if (state && versionOf(app.routes) !== state.listVersion) tryRoutes(app, state);
  if (before && mountedAt) {
    const added = app.routes.filter((route) => !before.has(route));
    if (added.length > 0) for (const mount of mountedAt) mountAgain(app, mount, added);
  }
  return result;
}

/**
 * The routes a load's statement left in `app`'s list, made into a router and its matcher built
 * now: a table Hono's router refuses (a pattern its RegExpRouter cannot take) fails the
 * statement, and so the load, with Hono's error, where the next request would have failed.
 */
function tryRoutes(app: HonoApp, state: Followed): void {
  const make = routerMaker(app, state);
  if (!make) return;
  let router: Router;
  try {
    router = madeFromList(app, make);
    router.match('GET', '/');
  } catch (error) {
    const name = (state.first as { name?: unknown } | undefined)?.name;
    // Hono's router errors are classes of their own that keep the name "Error".
    const why = error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);
    throw new Error(`Hono’s router (${String(name)}) refuses the app’s routes as this version leaves them: ${why}`);
  }
  state.router = router;
  state.listVersion = versionOf(app.routes);
}

/**
 * Mounts `added`, routes a load added to `subApp`, where `subApp` is mounted, each before the
 * copy there of the sub-app's route that follows it (Hono answers with the first route that
 * matches). Through the parent's `route`, so the copies are the load's statement's own: a load
 * that takes the statement back takes them back too. Not where the sub-app is no longer mounted.
 */
function mountAgain(subApp: HonoApp, { parent, path }: Mount, added: RouteEntry[]): void {
  const route = (parent as unknown as { route?: unknown }).route;
  if (typeof route !== 'function') return;
  if (!parent.routes.some((copy) => subApp.routes.some((own) => isCopyOf(copy, own)))) return;
  for (const entry of added) {
    const before = new Set(parent.routes);
    Reflect.apply(route, parent, [
      path,
      { routes: [entry], errorHandler: (subApp as { errorHandler?: unknown }).errorHandler },
    ]);
    const copies = parent.routes.filter((copy) => !before.has(copy));
    const next = subApp.routes[subApp.routes.indexOf(entry) + 1];
    if (!next || copies.length === 0) continue;
    for (const copy of copies) parent.routes.splice(parent.routes.indexOf(copy), 1);
    const at = parent.routes.findIndex((copy) => isCopyOf(copy, next));
    parent.routes.splice(at < 0 ? parent.routes.length : at, 0, ...copies);
    changed(parent.routes);
  }
}

/** Whether `copy`, a route of an app, is its copy of a mounted sub-app's route `own`. */
function isCopyOf(copy: RouteEntry, own: RouteEntry): boolean {
  if (copy.method !== own.method) return false;
  const handler = copy.handler as { [COMPOSED_HANDLER]?: unknown } | null;
  return copy.handler === own.handler || handler?.[COMPOSED_HANDLER] === own.handler;
}

function loading(): boolean {
  return currentFrame()?.loading === true;
}

/**
 * The app's router: the one made from its routes list as it is now. While a load's top level
 * runs, one that takes no route (what the load's statements add goes to the list, where it is
 * put in order) and answers as the list does: a request that comes while the load awaits is
 * answered by the routes as they are.
 */
function routerOf(app: HonoApp, state: Followed): Router {
  if (loading()) {
    const make = routerMaker(app, state);
    if (!make) return state.router;
    // What is added to it is in the list after the call: the next match makes a router of that.
    return (state.duringLoads ??= {
      add: () => changed(app.routes),
      match: (method, path) => upToDate(app, state, make).match(method, path),
    });
  }
  if (versionOf(app.routes) === state.listVersion) return state.router;
  const make = routerMaker(app, state);
  return make ? upToDate(app, state, make) : state.router;
}

function upToDate(app: HonoApp, state: Followed, make: () => Router): Router {
  if (versionOf(app.routes) === state.listVersion) return state.router;
  state.router = madeFromList(app, make);
  state.listVersion = versionOf(app.routes);
  return state.router;
}

function madeFromList(app: HonoApp, make: () => Router): Router {
  const router = make();
  for (const route of app.routes) router.add(route.method, route.path, [route.handler, route]);
  return router;
}

/**
 * How to make an empty router like `app`'s: as Hono's own class makes one for a new app (its
 * default, a SmartRouter, takes the routers it picks from), or a new one of the router's class
 * when the app was given one. Learnt once per app, when first needed.
 */
function routerMaker(app: object, state: Followed): (() => Router) | undefined {
  if (state.source) return routerMaker(state.source.app, state.source.state);
  if (state.makeRouter !== undefined) return state.makeRouter ?? undefined;
  const first = state.first;
  if (!first) return undefined;
  state.makeRouter = null;
  const Framework = frameworkClassOf(app);
  try {
    if (Framework && newApp(Framework).router.constructor === first.constructor) {
      state.makeRouter = () => newApp(Framework).router;
    } else if (typeof first.constructor === 'function' && first.constructor.length === 0) {
      const RouterClass = first.constructor as new () => Router;
      new RouterClass();
      state.makeRouter = () => new RouterClass();
    }
  } catch {
    // a router that cannot be made again: the app's routes stay fixed
  }
  return state.makeRouter ?? undefined;
}

function newApp(Framework: HonoClass): HonoApp {
  probing = true;
  try {
    return new Framework();
  } finally {
    probing = false;
  }
}

/** The class of Hono's that `app`'s class extends (Hono, or a preset's), right above adaptHonoBase's. */
function frameworkClassOf(app: object): HonoClass | undefined {
  let klass = (app as { constructor?: unknown }).constructor;
  while (typeof klass === 'function') {
    const parent: unknown = Object.getPrototypeOf(klass);
    if (adapted.has(parent as object)) return klass as HonoClass;
    klass = parent;
  }
  return undefined;
}
