/**
 * The namespace of an ES module served at its own URL, made from its module bindings rather
 * than by the module importing itself (issue 13). A self-import made each such module a cycle
 * of one in Node's loader: one more resolution (a stat and a realpath) and a namespace object
 * per module, about half of what the agent added to the start of an app of 2,000 modules.
 *
 * Only for a module whose every export reads a binding of its own (esm-load.ts decides): the
 * first version's accessors (`__hotpatch$`, see live/instrument.ts) read those. What the code
 * server does with a namespace it does with this one alike: the same names in the same order
 * (sorted, as a namespace's), the values the bindings hold now, data properties that cannot be
 * written, removed or added to, and `Symbol.toStringTag` 'Module'.
 */
export function boundNamespace(
  /** Each export's name and the module binding it reads. */
  exported: ReadonlyArray<readonly [name: string, local: string]>,
  /** Reads a module binding (through the first version's accessors). */
  read: (local: string) => unknown,
): object {
  const locals = new Map(exported);
  const target = Object.create(null) as Record<PropertyKey, unknown>;
  // Code unit order, as a module namespace's keys (not localeCompare).
  for (const name of [...locals.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    Object.defineProperty(target, name, { value: undefined, writable: true, enumerable: true, configurable: false });
  }
  Object.defineProperty(target, Symbol.toStringTag, { value: 'Module' });
  Object.preventExtensions(target);
  const localOf = (key: PropertyKey): string | undefined => (typeof key === 'string' ? locals.get(key) : undefined);
  return new Proxy(target, {
    get: (_, key) => {
      const local = localOf(key);
      return local === undefined ? target[key] : read(local);
    },
    getOwnPropertyDescriptor: (_, key) => {
      const local = localOf(key);
      if (local === undefined) return Reflect.getOwnPropertyDescriptor(target, key);
      return { value: read(local), writable: true, enumerable: true, configurable: false };
    },
    // A namespace is read-only: an assignment or a definition fails (a TypeError in strict code).
    set: () => false,
    defineProperty: () => false,
    deleteProperty: (_, key) => !Object.hasOwn(target, key),
  });
}
