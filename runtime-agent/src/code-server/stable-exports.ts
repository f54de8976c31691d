/**
 * The lasting face of a hot module: one exports object per module that every importer holds,
 * updated in place when a new version loads.
 *
 * - An exported function becomes a trampoline that calls the current version's function, so
 *   a reference captured at startup (a route handler, a timer callback, a listener) runs the
 *   newest code. Closures created inside a version keep that version's code, as in Erlang.
 *   Only a function and nothing more (isPlainFunction): one that is also an object with methods
 *   or data (an Express app or router) is passed as it is.
 * - An exported class keeps its identity (instanceof, existing instances); a new version's
 *   prototype methods, accessors and static methods are copied onto it in place.
 * - Any other value is replaced by the new version's value.
 * - An export the module defines with a getter (`get pool()`; esbuild's CommonJS, tsx's, for
 *   every export) stays a getter, read live: what the module assigns after startup is seen.
 */

import { usesPrivateNames } from './live/program';
import { TRAMPOLINE, isTrampoline, makeTrampoline, refreshLinks, type CurrentExport } from './trampolines';

export { makeTrampoline, type CurrentExport } from './trampolines';

export function isClass(value: unknown): value is abstract new (...args: never[]) => unknown {
  return typeof value === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(value));
}

/** What every function has of its own. */
const FUNCTION_OWN_KEYS = new Set<PropertyKey>(['length', 'name', 'prototype', 'arguments', 'caller']);

/**
 * A function, with at most helper functions hung on it (`module.exports.helper = …`): only such
 * a function reaches importers as a trampoline. Anything more is passed as it is, since a
 * trampoline has none of it and what an importer called on it ran against the trampoline
 * (under the agent, `require('./app').get('/x', …)` threw "this.router.route is not a function"):
 * - a function that is also an object: an Express app (`locals`, `settings`; its `get`, `use`
 *   and `listen` read them through `this`), an Express router (its methods are its prototype's);
 * - a constructor with methods on its prototype (isConstructor);
 * - a function marked with symbols for a library to read (`util.promisify.custom`, a Fastify
 *   plugin's skip-override);
 * - an async or generator function: a trampoline is neither (`util.types.isAsyncFunction`
 *   tells them apart; Fastify refuses an async hook that takes `done`).
 */
export function isPlainFunction(value: unknown): boolean {
  if (typeof value !== 'function' || isClass(value)) return false;
  if (Object.getPrototypeOf(value) !== Function.prototype || isConstructor(value)) return false;
  for (const key of Reflect.ownKeys(value)) {
    if (FUNCTION_OWN_KEYS.has(key)) continue;
    if (typeof key === 'symbol') return false;
    const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
    if (!('value' in descriptor) || typeof descriptor.value !== 'function' || isClass(descriptor.value)) return false;
  }
  return true;
}

/**
 * A constructor written as a function (`function Store() {}` with `Store.prototype.add = …`):
 * its instances' methods are its prototype's, which a trampoline's own would not have, so
 * `new Store().add()` threw under the agent.
 */
function isConstructor(value: Function): boolean {
  const prototype: unknown = Object.getOwnPropertyDescriptor(value, 'prototype')?.value;
  if (prototype === null || typeof prototype !== 'object') return false;
  return Reflect.ownKeys(prototype).some((key) => key !== 'constructor');
}

/**
 * An object made by a class or a constructor (`module.exports = new Service()`): its methods
 * and data are its own, read through `this`, and its importers get it as it is. Rewritten in
 * place, a bound method its constructor registered (`this.on('tick', this.onTick)`) was no
 * longer the one it took off again (`this.off('tick', this.onTick)`).
 */
export function isInstance(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype !== null && prototype !== Object.prototype;
}

/** Functions a live module wrote (see markLiveFunctions). */
const liveFunctions = new WeakSet<Function>();

/**
 * Marks functions a live module wrote (declared, or written as a variable's value): they keep
 * their identity through every load (a new body goes to its place, and their calls forward to
 * it), so importers get them as they are: the very function the module registered as a
 * listener, one object under two export names, an error's stack without a trampoline's frame.
 */
export function markLiveFunctions(values: Iterable<unknown>): void {
  for (const value of values) if (typeof value === 'function') liveFunctions.add(value);
}

/** Whether importers get `value` through a trampoline (see isPlainFunction, markLiveFunctions). */
function needsTrampoline(value: unknown): boolean {
  // The set first: most of a hot module's exports are its own functions, and isPlainFunction
  // reads a function's source and makes its prototype object (issue 13).
  return typeof value === 'function' && !liveFunctions.has(value) && isPlainFunction(value);
}

/**
 * Copies a new version's class members onto the class that keeps the identity. `hasPrivate`
 * (known from a live module's parse) spares reading the class's source again.
 */
export function patchClass(
  target: Function,
  next: Function,
  warnings: string[],
  name: string,
  hasPrivate = usesPrivateNames(Function.prototype.toString.call(next)),
): void {
  if (target === next) return;
  if (hasPrivate) {
    // Private names are branded per class evaluation: methods of the new class cannot read
    // `#fields` of instances built by the old one, so patching would break them at run time.
    warnings.push(
      `class ${name} uses private members (#...): its methods were not replaced; restart the app to run them`,
    );
    return;
  }
  const targetProto = target.prototype as object;
  const nextProto = next.prototype as object;
  // With a new method, all go and come back in the new class's order: frameworks read them in
  // that order (NestJS maps `@Get('count')` before `@Get(':name')` when it is written first).
  const added = Reflect.ownKeys(nextProto).some((key) => !Object.hasOwn(targetProto, key));
  for (const key of Reflect.ownKeys(targetProto)) {
    if (key !== 'constructor' && (added || !Object.hasOwn(nextProto, key))) Reflect.deleteProperty(targetProto, key);
  }
  for (const key of Reflect.ownKeys(nextProto)) {
    if (key === 'constructor') continue;
    Object.defineProperty(targetProto, key, Object.getOwnPropertyDescriptor(nextProto, key)!);
  }
  for (const key of Reflect.ownKeys(next)) {
    if (key === 'prototype' || key === 'name' || key === 'length') continue;
    const descriptor = Object.getOwnPropertyDescriptor(next, key)!;
    const isData = 'value' in descriptor && typeof descriptor.value !== 'function';
    // Static data is the class's state: keep the running value, as a server keeps its state.
    if (isData && Object.hasOwn(target, key)) continue;
    Object.defineProperty(target, key, descriptor);
  }
}

/** Wraps one exported value (`raw[name]`) for the stable object `face`. */
function stableValue(
  name: string,
  value: unknown,
  current: (key: string | null) => CurrentExport,
  raw: unknown,
  face: object,
): unknown {
  if (needsTrampoline(value)) return makeTrampoline(name, value as Function, current(name), raw, name, face);
  return value;
}

/** The getters stableAccessor made: each reads whichever version is current, for good. */
const liveGetters = new WeakSet<Function>();

/**
 * The face's property for an export the module defines with a getter (`get pool()`, esbuild's
 * `__export` for `export let`): a getter too, reading the current version's value each time, so
 * that what the module assigns later (a connection opened after startup) is seen. A function
 * comes as one trampoline per export, whose identity lasts.
 */
function stableAccessor(
  name: string,
  descriptor: PropertyDescriptor,
  current: (key: string | null) => CurrentExport,
  raw: unknown,
  face: object,
): PropertyDescriptor {
  const value = current(name);
  let trampoline: unknown;
  const get = (): unknown => {
    const now = value();
    if (!needsTrampoline(now)) return now;
    trampoline ??= makeTrampoline(name, now as Function, value, raw, name, face);
    return trampoline;
  };
  liveGetters.add(get);
  return {
    get,
    // A setter writes through to the current version's exports, as it would to the module's own.
    set: descriptor.set
      ? (next: unknown) => {
          (current(null)() as Record<string, unknown>)[name] = next;
        }
      : undefined,
    enumerable: descriptor.enumerable ?? true,
    configurable: true,
  };
}

/**
 * Builds the stable exports of a module's first version from its raw `module.exports`.
 * Returns the raw object itself, with functions swapped for trampolines, when every property
 * can be redefined (so an importer that saw it mid-evaluation through a require cycle holds
 * the same object); otherwise a fresh object with the same prototype. `descriptors`: an object's
 * own, where the caller has read them already (ownDescriptors).
 */
export function createStableExports(
  raw: unknown,
  current: (key: string | null) => CurrentExport,
  descriptors?: PropertyDescriptorMap,
): unknown {
  if (typeof raw === 'function') {
    // module.exports = fn: a trampoline with its helpers; a class, or a function that is also an
    // object (an Express app: `module.exports = app`), is its own face.
    if (!needsTrampoline(raw)) return raw;
    const face = makeTrampoline('default', raw, current(null), raw, null);
    copyOwnProperties(raw, face, current, Object.getOwnPropertyDescriptors(raw));
    return face;
  }
  if (raw === null || typeof raw !== 'object' || isInstance(raw)) return raw;
  const own = descriptors ?? Object.getOwnPropertyDescriptors(raw);
  const face: object = reusableAsFace(raw, own) ? raw : Object.create(Object.getPrototypeOf(raw) as object | null);
  copyOwnProperties(raw, face, current, own);
  return face;
}

/**
 * Whether `raw` can be its own face: an ES namespace (non-extensible, exotic) or a frozen object
 * can never hold trampolines, and a getter must stay the module's own (the face's would read it
 * back through the current version).
 */
function reusableAsFace(raw: object, own: PropertyDescriptorMap): boolean {
  if (!Object.isExtensible(raw)) return false;
  const keys = Object.keys(own);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const d = own[key]!;
    if (key !== '__esModule' && !('value' in d && (d.configurable || d.writable))) return false;
  }
  return true;
}

/**
 * The own property descriptors of exports createStableExports and snapshot both read (an object
 * that is not an instance), read once: an app's start reads those of every hot module (issue 13).
 * A function's are not: createStableExports reads them only where it makes a trampoline, and
 * most exported functions (a class, an Express app with its many methods) get none.
 */
export function ownDescriptors(raw: unknown): PropertyDescriptorMap | undefined {
  if (raw === null || typeof raw !== 'object' || isInstance(raw)) return undefined;
  return Object.getOwnPropertyDescriptors(raw);
}

function copyOwnProperties(
  raw: object,
  face: object,
  current: (key: string | null) => CurrentExport,
  descriptors: PropertyDescriptorMap,
): void {
  // Indexed: run for every hot module at startup, before the JIT, where for…of allocates as it iterates.
  const keys = Object.keys(descriptors);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const descriptor = descriptors[key]!;
    if (typeof face === 'function' && (key === 'prototype' || key === 'name' || key === 'length')) continue;
    if (!('value' in descriptor) && key !== '__esModule') {
      Object.defineProperty(face, key, stableAccessor(key, descriptor, current, raw, face));
      continue;
    }
    const value = (raw as Record<string, unknown>)[key];
    const stable = stableValue(key, value, current, raw, face);
    if (face === raw) {
      // Only writable data can be here unless configurable (reusableAsFace); __esModule and its kind stay as they are.
      if (!descriptor.configurable) {
        if (descriptor.writable && stable !== value) (raw as Record<string, unknown>)[key] = stable;
        continue;
      }
      // Already as the face would define it (most exports: an object literal's own functions, which
      // need no trampoline): defining it again cost most of a module's adoption at startup.
      if (stable === value && descriptor.writable) continue;
    }
    Object.defineProperty(face, key, {
      value: stable,
      writable: true,
      enumerable: descriptor.enumerable ?? true,
      configurable: true,
    });
  }
  copySymbols(raw, face);
}

/**
 * Symbol-keyed properties are markers frameworks read, not exports: fastify-plugin's
 * `Symbol.for('skip-override')` on a plugin function, for one. They go onto the face as they are.
 */
function copySymbols(raw: object, face: object): void {
  if (face === raw) return;
  for (const symbol of Object.getOwnPropertySymbols(raw)) {
    if (symbol === TRAMPOLINE) continue;
    const descriptor = Object.getOwnPropertyDescriptor(raw, symbol)!;
    Object.defineProperty(face, symbol, { ...descriptor, configurable: true });
  }
}

/**
 * Brings the stable object up to a new version's raw exports. Trampolines stay (their links
 * are pointed at the current version's functions); classes are patched in place; values are replaced; exports the
 * new version no longer has are removed. Returns what could not be done.
 */
export function updateStableExports(
  face: unknown,
  raw: unknown,
  current: (key: string | null) => CurrentExport,
  /**
   * The version's exports before it (its own start as a copy of them): a value the version did
   * not change, or a property it did not remove, is left as the app has it in the face. Without
   * it, every value is the version's.
   */
  base?: unknown,
): string[] {
  const warnings: string[] = [];
  if (isClass(face)) {
    if (isClass(raw)) patchClass(face, raw, warnings, face.name);
    else
      warnings.push(`the module's exported class ${face.name} was replaced by a non-class; restart the app to use it`);
    return warnings;
  }
  if (face === null || (typeof face !== 'object' && typeof face !== 'function')) {
    if (!Object.is(raw, face))
      warnings.push(
        'the module exports a new primitive value; importers keep the one they read: restart the app to use it',
      );
    return warnings;
  }
  if ((typeof face === 'function' && !isTrampoline(face)) || (typeof face === 'object' && isInstance(face))) {
    // Importers hold it as it is (isPlainFunction, isInstance): nothing can be swapped under them.
    if (raw !== face) {
      const what = typeof face === 'function' ? face.name || 'function' : face.constructor?.name || 'object';
      warnings.push(
        `the module exports another ${what} than the one its importers hold, which cannot be swapped under ` +
          'them (an object with methods and data, or a function of the module itself); restart the app to use it',
      );
    }
    return warnings;
  }
  refreshLinks(face, raw);
  if (typeof raw !== 'object' && typeof raw !== 'function') return warnings;
  const target = face as Record<string, unknown>;
  const next = (raw ?? {}) as Record<string, unknown>;
  const skip = (key: string): boolean =>
    key === '__esModule' || (typeof face === 'function' && (key === 'prototype' || key === 'name' || key === 'length'));
  const before = base !== null && (typeof base === 'object' || typeof base === 'function') ? base : undefined;
  // What the app has changed since (`this.hits += 1` in an exported object's method, a property
  // it added) is the state of a live module: a load that keeps the statement leaves it.
  const unchanged = (key: string): boolean =>
    before !== undefined && Object.hasOwn(before, key) && Object.is(Reflect.get(before, key), next[key]);
  for (const key of Object.keys(Object.getOwnPropertyDescriptors(target))) {
    if (skip(key) || Object.hasOwn(next, key)) continue;
    if (before === undefined || Object.hasOwn(before, key)) Reflect.deleteProperty(target, key);
  }
  for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(next))) {
    if (skip(key)) continue;
    if (!('value' in descriptor)) {
      // What the app holds stays: a getter of ours reads the new version already, and a
      // trampoline follows it (the function the app registered must stay the face's).
      const held = Object.getOwnPropertyDescriptor(target, key);
      if (held?.get && liveGetters.has(held.get)) continue;
      const value = next[key];
      if (held && 'value' in held && isTrampoline(held.value) && typeof value === 'function' && !isClass(value))
        continue;
      Object.defineProperty(target, key, stableAccessor(key, descriptor, current, next, face));
      continue;
    }
    const value = next[key];
    const existing = target[key];
    if (Object.hasOwn(target, key) && typeof value !== 'function' && unchanged(key)) continue;
    if (isClass(existing) && isClass(value)) {
      patchClass(existing, value, warnings, key);
      continue;
    }
    if (isTrampoline(existing) && typeof value === 'function' && !isClass(value)) continue;
    Object.defineProperty(target, key, {
      value: stableValue(key, value, current, next, face),
      writable: true,
      enumerable: descriptor.enumerable ?? true,
      configurable: true,
    });
  }
  if (typeof face === 'object' || typeof face === 'function') copySymbols(next, face);
  return warnings;
}
