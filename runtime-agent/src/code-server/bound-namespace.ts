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
  const handler = new BoundNamespaceHandler(exported, read);
  return new Proxy(handler.target, handler);
}

/**
 * The namespace's traps. Its properties are made when it is first looked at, not as the module
 * is adopted: most modules' namespaces are never looked at before their first load (made for
 * each, they were ≈3 µs a module of an app's start, issue 13). A trap that answers from the
 * target, or says a property is there, makes them first: the target always agrees with what a
 * trap says, as a proxy's invariants ask.
 */
class BoundNamespaceHandler implements ProxyHandler<Record<PropertyKey, unknown>> {
  readonly target = Object.create(null) as Record<PropertyKey, unknown>;
  #locals: Map<string, string> | undefined;
  #isMade = false;

  constructor(
    readonly exported: ReadonlyArray<readonly [name: string, local: string]>,
    readonly read: (local: string) => unknown,
  ) {}

  get(_: object, key: PropertyKey): unknown {
    const local = this.#localOf(key);
    return local === undefined ? this.#made()[key] : this.read(local);
  }

  getOwnPropertyDescriptor(_: object, key: PropertyKey): PropertyDescriptor | undefined {
    const local = this.#localOf(key);
    // No export of this name: the made target has no such property either (a string key).
    if (local === undefined)
      return typeof key === 'string' ? undefined : Reflect.getOwnPropertyDescriptor(this.#made(), key);
    // Non-configurable, as the target's must then be.
    this.#made();
    return { value: this.read(local), writable: true, enumerable: true, configurable: false };
  }

  has(_: object, key: PropertyKey): boolean {
    return key in this.#made();
  }

  ownKeys(): ArrayLike<string | symbol> {
    return Reflect.ownKeys(this.#made());
  }

  isExtensible(): boolean {
    return Reflect.isExtensible(this.#made());
  }

  preventExtensions(): boolean {
    return Reflect.preventExtensions(this.#made());
  }

  getPrototypeOf(): object | null {
    return Reflect.getPrototypeOf(this.#made());
  }

  setPrototypeOf(_: object, prototype: object | null): boolean {
    return Reflect.setPrototypeOf(this.#made(), prototype);
  }

  // A namespace is read-only: an assignment or a definition fails (a TypeError in strict code).
  set(): boolean {
    return false;
  }

  defineProperty(): boolean {
    return false;
  }

  deleteProperty(_: object, key: PropertyKey): boolean {
    return !Object.hasOwn(this.#made(), key);
  }

  #localOf(key: PropertyKey): string | undefined {
    this.#locals ??= new Map(this.exported);
    return typeof key === 'string' ? this.#locals.get(key) : undefined;
  }

  /** The target with the namespace's properties, made at the first look at them. */
  #made(): Record<PropertyKey, unknown> {
    if (this.#isMade) return this.target;
    this.#isMade = true;
    // Code unit order, as a module namespace's keys (not localeCompare).
    for (const name of this.exported.map(([name]) => name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      Object.defineProperty(this.target, name, {
        value: undefined,
        writable: true,
        enumerable: true,
        configurable: false,
      });
    }
    Object.defineProperty(this.target, Symbol.toStringTag, { value: 'Module' });
    Object.preventExtensions(this.target);
    return this.target;
  }
}
