/**
 * A Fastify plugin whose routes a load changes (a new route, a route's inline schema): Fastify
 * ran the plugin once, as the app booted, with an instance of its own (its prefix, its hooks),
 * and runs it never again, so what it registers anew needed a restart. Where the plugin only
 * declares and calls the instance's methods (plugin-body.ts), it runs again on that same
 * instance: the routes it declared on it are taken out of the router, and it declares them
 * anew, added as a load adds routes (fastify-routes.ts); what else it calls on the instance
 * (`register`, `addHook`, `decorate`: unchanged, done at boot) does nothing the second time.
 * If it throws, its routes go back as they were.
 *
 * The calls are known from avvio, which makes each plugin's instance (`override`): Fastify's
 * router is adapted as Fastify loads (fastify-routes.ts), and its setup hands over avvio.
 */
import { SET_UP_ONCE } from './plugin-body';
import { declaredOn, putBack, takeOut } from './fastify-routes';
import { enterTopLevel, leaveTopLevel } from './top-level';

/** A plugin as avvio ran it: the function, the instance made for it, its options. */
export interface PluginCall {
  plugin: WeakRef<Function>;
  instance: WeakRef<object>;
  options: unknown;
}

const calls: PluginCall[] = [];

type Override = (parent: object, plugin: unknown, options: unknown) => object;

/** Wraps avvio's `override`, which makes the instance each plugin runs with. */
export function followPlugins(avvio: object): void {
  const boot = avvio as { override?: Override };
  const override = boot.override;
  if (typeof override !== 'function') return;
  boot.override = function (this: unknown, parent, plugin, options) {
    const instance = Reflect.apply(override, this, [parent, plugin, options]) as object;
    // A plugin that skips encapsulation (fastify-plugin) shares its parent's instance and routes.
    if (instance !== parent && typeof plugin === 'function' && typeof options !== 'function') {
      calls.push({ plugin: new WeakRef(plugin), instance: new WeakRef(instance), options });
    }
    return instance;
  };
}

/** The calls of a plugin among `functions` (a module's function, as the app may hold it). */
export function pluginCallsOf(functions: ReadonlySet<unknown>): PluginCall[] {
  return calls.filter((call) => {
    const plugin = call.plugin.deref() as { default?: unknown } | undefined;
    return plugin !== undefined && (functions.has(plugin) || functions.has(plugin.default));
  });
}

/**
 * Runs the plugin of `call` again on its instance, in place of the routes it declared there; the
 * plugin's module is `file`. Throws what the plugin throws, with its routes as they were.
 */
export async function runPluginAgain(call: PluginCall, file: string): Promise<void> {
  const plugin = call.plugin.deref();
  const instance = call.instance.deref();
  if (!plugin || !instance) throw new Error('the app let go of the plugin');
  const before = declaredOn(instance).splice(0);
  for (const route of before) takeOut(route);
  const frame = enterTopLevel(file, true);
  try {
    await runPlugin(plugin, onceSetUp(instance), call.options);
  } catch (error) {
    for (const route of declaredOn(instance).splice(0)) takeOut(route);
    for (const route of before) putBack(route);
    declaredOn(instance).push(...before);
    throw error;
  } finally {
    leaveTopLevel(frame);
  }
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
