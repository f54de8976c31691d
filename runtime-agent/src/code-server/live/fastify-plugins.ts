/**
 * A Fastify plugin whose routes a load changes (a new route, a route's inline schema): Fastify
 * ran the plugin once, as the app booted, with an instance of its own (its prefix, its hooks),
 * and runs it never again, so what it registers anew needed a restart. Where the plugin only
 * declares, adds routes and sets its instance up (runs-again.ts), it runs again on that same
 * instance: the routes it declared on it are taken out of the router, and it declares them
 * anew, added as a load adds routes (fastify-routes.ts); what it calls of SET_UP_ONCE
 * (`addHook`, `decorate`: unchanged, done at boot) does nothing the second time. If it throws,
 * its routes go back as they were.
 *
 * The instances are known from avvio, which makes each plugin's instance (`override`): Fastify's
 * router is adapted as Fastify loads (fastify-routes.ts), and its setup hands over avvio. Only
 * encapsulated plugins: one wrapped in fastify-plugin shares its parent's instance and routes.
 */
import { declaredOn, declaringAgainOn, putBack, takeOut } from './fastify-routes';
import { SET_UP_ONCE } from './runs-again';

/** The instances each plugin function ran with, as long as the app holds them. */
const instancesOf = new WeakMap<Function, Array<WeakRef<object>>>();
/** The options each instance's plugin ran with: they go with the instance. */
const optionsOf = new WeakMap<object, unknown>();

type Override = (parent: object, plugin: unknown, options: unknown) => object;

/** Wraps avvio's `override`, which makes the instance each plugin runs with. */
export function followPlugins(avvio: object): void {
  const boot = avvio as { override?: Override };
  const override = boot.override;
  if (typeof override !== 'function') return;
  boot.override = function (this: unknown, parent, plugin, options) {
    const instance = Reflect.apply(override, this, [parent, plugin, options]) as object;
    if (instance !== parent && typeof plugin === 'function' && typeof options !== 'function') {
      const instances = (instancesOf.get(plugin) ?? []).filter((ref) => ref.deref() !== undefined);
      instancesOf.set(plugin, [...instances, new WeakRef(instance)]);
      optionsOf.set(instance, options);
    }
    return instance;
  };
}

/** A plugin as avvio ran it: the function and the instance made for it. */
export interface PluginCall {
  plugin: Function;
  instance: object;
}

/** The calls of a plugin among `functions` (a module's function, as the app may hold it). */
export function pluginCallsOf(functions: ReadonlySet<unknown>): PluginCall[] {
  return [...functions].flatMap((plugin) =>
    typeof plugin !== 'function'
      ? []
      : (instancesOf.get(plugin) ?? []).flatMap((ref) => {
          const instance = ref.deref();
          return instance ? [{ plugin, instance }] : [];
        }),
  );
}

/**
 * Runs the plugin of `call` again on its instance, in place of the routes it declared there.
 * Returns what undoes it (another call of the same load failed); throws what the plugin throws,
 * with its routes as they were.
 */
export async function runPluginAgain({ plugin, instance }: PluginCall): Promise<() => void> {
  const routes = declaredOn(instance);
  const before = routes.splice(0);
  for (const route of before) takeOut(route);
  const undo = (): void => {
    for (const route of routes.splice(0)) takeOut(route);
    for (const route of before) putBack(route);
    routes.push(...before);
  };
  try {
    await declaringAgainOn(instance, () => runPlugin(plugin, onceSetUp(instance), optionsOf.get(instance)));
  } catch (error) {
    undo();
    throw error;
  }
  return undo;
}

/** A plugin's two styles: `async (fastify, options)` and `(fastify, options, done)`. */
function runPlugin(plugin: Function, instance: object, options: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: unknown): void => (error ? reject(error) : resolve());
    const result = Reflect.apply(plugin, undefined, [instance, options, done]) as { then?: unknown } | undefined;
    if (typeof result?.then === 'function') (result as Promise<unknown>).then(() => resolve(), reject);
    else if (plugin.length < 3) resolve();
  });
}

/** `instance`, but its methods of SET_UP_ONCE do nothing; the rest, routes first, are its own. */
function onceSetUp(instance: object): object {
  const proxy: object = new Proxy(instance, {
    get(target, key) {
      if (typeof key === 'string' && SET_UP_ONCE.has(key)) return () => proxy;
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? (value as Function).bind(target) : value;
    },
  });
  return proxy;
}
