/**
 * A NestJS controller whose route decorators a load changes (a new route method, one taken out,
 * a path or an HTTP code changed): NestJS read them once, as the app started, when its
 * RouterExplorer mapped each controller's methods to routes of the HTTP server. So the
 * controller is mapped again, as JRebel maps a Spring controller again: its method decorators
 * run again on the running class (a load gives its prototype new method objects, which carry no
 * metadata yet), what Nest keeps of it once read is forgotten (its method names, each
 * method's HTTP code and parameters), the routes Nest mapped for it are taken out of the
 * server's router, and the RouterExplorer maps it again with what it was given at startup (its
 * module, its path, the app's prefix and versioning), the new routes put where the old ones were.
 * Middleware that `forRoutes(Controller)` bound at startup is not bound to its new routes.
 *
 * The explorer is reached by adapting @nestjs/core/router/router-explorer.js as it loads. Only
 * on Express (Nest's default platform), whose router keeps its routes in a list; on another
 * platform a restart applies the change, as before.
 */

type Explore = (...args: unknown[]) => unknown;

/** How a controller was mapped at startup: what to map it again with, and the routes it made. */
interface Mapping {
  explorer: object;
  explore: Explore;
  args: unknown[];
  /** The Express router's list of layers the routes are in. */
  stack: unknown[];
  layers: unknown[];
}

/** By controller class: how Nest mapped it, as long as the app holds the class. */
const mappings = new WeakMap<Function, Mapping>();

/** Nest's key of a method's parameter decorators (`@Body()`, `@Param('id')`), kept on the class by method name. */
const ROUTE_ARGS_METADATA = '__routeArguments__';

/** Adapts @nestjs/core/router/router-explorer.js, given its exports. */
export function adaptNestRouterExplorer(exports: unknown): void {
  const proto = (exports as { RouterExplorer?: { prototype?: { explore?: unknown } } }).RouterExplorer?.prototype;
  const explore = proto?.explore;
  if (typeof explore !== 'function') return;
  proto!.explore = function (this: object, ...args: unknown[]) {
    const [wrapper, , adapter] = args as [{ metatype?: unknown } | undefined, unknown, unknown];
    const before = expressStackOf(adapter)?.length ?? 0;
    const result = Reflect.apply(explore, this, args);
    const stack = expressStackOf(adapter);
    if (stack && typeof wrapper?.metatype === 'function') {
      mappings.set(wrapper.metatype, {
        explorer: this,
        explore: explore as Explore,
        args,
        stack,
        layers: stack.slice(before),
      });
    }
    return result;
  };
}

/** Whether Nest mapped `klass` as a controller on Express. */
export function isMappedController(klass: unknown): klass is Function {
  return typeof klass === 'function' && mappings.has(klass);
}

/**
 * Maps controller `klass` again: `decorate` runs its method decorators of the new version on
 * the running class, then Nest maps it in place of the routes it had. If mapping throws, the
 * routes it had are put back, and the error is thrown.
 */
export function mapControllerAgain(klass: Function, decorate: () => void): { before: number; after: number } {
  const mapping = mappings.get(klass);
  if (!mapping) throw new Error(`${klass.name} was not mapped by NestJS on Express`);
  const { stack, layers } = mapping;
  // Nest's not-found handler ends the list: where routes go is known from those the controller has.
  if (layers.length === 0) throw new Error(`${klass.name} had no routes, so where its new ones go is not known`);
  const at = stack.indexOf(layers[0]);
  if (at < 0 || layers.some((layer, i) => stack[at + i] !== layer)) {
    throw new Error(`the routes NestJS mapped for ${klass.name} are no longer where it put them`);
  }
  clearParameterMetadata(klass);
  forgetWhatNestRead(mapping, klass.prototype as object);
  decorate();
  stack.splice(at, layers.length);
  const end = stack.length;
  try {
    Reflect.apply(mapping.explore, mapping.explorer, mapping.args);
  } catch (error) {
    stack.splice(end);
    stack.splice(at, 0, ...layers);
    throw error;
  }
  const mapped = stack.splice(end);
  stack.splice(at, 0, ...mapped);
  mapping.layers = mapped;
  return { before: layers.length, after: mapped.length };
}

/**
 * The parameter decorators' metadata of the class's methods: they add to what is there
 * (`@Param('name')` taken out would stay), so it goes before they run again.
 */
function clearParameterMetadata(klass: Function): void {
  const reflect = Reflect as unknown as {
    deleteMetadata?: (key: string, target: object, property: string | symbol) => boolean;
  };
  if (typeof reflect.deleteMetadata !== 'function') return;
  for (const key of Reflect.ownKeys(klass.prototype as object)) {
    if (key !== 'constructor') reflect.deleteMetadata(ROUTE_ARGS_METADATA, klass, key);
  }
}

interface NestExplorer {
  pathsExplorer?: { metadataScanner?: { cachedScannedPrototypes?: unknown } };
  executionContextCreator?: { handlerMetadataStorage?: HandlerMetadataStorage };
}
interface HandlerMetadataStorage {
  getMetadataKey?(controller: unknown, methodName: string): string;
  [key: symbol]: unknown;
}

/**
 * What Nest keeps of a controller once read: its MetadataScanner, the method names of each
 * prototype (a load adds and takes out methods); its RouterExecutionContext, each route
 * method's HTTP code, parameters and response handling, by controller and method name.
 */
function forgetWhatNestRead(mapping: Mapping, prototype: object): void {
  const explorer = mapping.explorer as NestExplorer;
  const scanned = explorer.pathsExplorer?.metadataScanner?.cachedScannedPrototypes;
  const names = new Set(Reflect.ownKeys(prototype).filter((key): key is string => typeof key === 'string'));
  if (scanned instanceof Map) {
    for (const name of (scanned.get(prototype) as unknown[] | undefined) ?? [])
      if (typeof name === 'string') names.add(name);
    scanned.delete(prototype);
  }
  const storage = explorer.executionContextCreator?.handlerMetadataStorage;
  const handlers = storage?.[Symbol.for('handler_metadata:cache')];
  const instance = (mapping.args[0] as { instance?: unknown } | undefined)?.instance;
  if (!(handlers instanceof Map) || typeof storage?.getMetadataKey !== 'function') return;
  for (const name of names) handlers.delete(storage.getMetadataKey(instance, name));
}

/**
 * The list of layers of the Express app behind Nest's HTTP adapter: Express 5's `app.router`,
 * Express 4's `app._router` (its `app.router` throws). Undefined on another platform.
 */
function expressStackOf(adapter: unknown): unknown[] | undefined {
  try {
    const app = (adapter as { getInstance?: () => unknown } | undefined)?.getInstance?.();
    // An Express app is a function with a `handle` method (Fastify's instance is an object).
    if (typeof app !== 'function') return undefined;
    const express = app as unknown as { _router?: { stack?: unknown }; router?: { stack?: unknown }; handle?: unknown };
    if (typeof express.handle !== 'function') return undefined;
    const stack = (express._router ?? express.router)?.stack;
    return Array.isArray(stack) ? stack : undefined;
  } catch {
    return undefined;
  }
}
