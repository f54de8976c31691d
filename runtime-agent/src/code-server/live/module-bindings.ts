/**
 * A first version's module scope as the code server reads and writes it: an object with an
 * accessor per module binding, over the very variables the version's closures use.
 *
 * The first version's header hands over the bindings' names and one function that reads or
 * writes a binding by its index (see instrumentStartup in instrument.ts); the object is made
 * from them here when first needed. The header once made it itself, as an object literal of a
 * getter and a setter per binding: V8 compiled and created that literal for every hot module as
 * the app started (≈20 µs a module, 40 ms of the start of an app of 2,000 modules, issue 13),
 * and most modules are never patched.
 */

/**
 * Reads binding `index`, or with `write` set assigns it `value` first. An ES module's also gives
 * its `import.meta` (IMPORT_META) and `import(value)` from where it stands (DYNAMIC_IMPORT): one
 * function made by its header, not three (issue 13).
 */
export type BindingAccess = (index: number, write?: 1, value?: unknown) => unknown;

/** The access index of an ES module's `import.meta`. */
export const IMPORT_META = -1;
/** The access index of an ES module's `import()` of the value passed. */
export const DYNAMIC_IMPORT = -2;

/** The separator between the header's names that can be assigned and those that cannot (imports). */
export const READ_ONLY_AFTER = ';';

/** The header's list of names: the assignable ones, then after `;` the imports, comma-separated. */
export function bindingNames(assignable: readonly string[], imports: readonly string[]): string {
  return imports.length === 0 ? assignable.join(',') : `${assignable.join(',')}${READ_ONLY_AFTER}${imports.join(',')}`;
}

/**
 * The accessor object over `access`'s bindings, in the order of `names`. A write made on the
 * object itself assigns the variable; a write through a staging layer over it (a version not yet
 * committed, see live-module.ts) stays in the layer, through `stage`. An import has a getter only:
 * assigning it is a TypeError in strict code, as assigning the import itself is.
 */
export function bindingsObject(
  names: string,
  access: BindingAccess,
  stage: (target: object, key: string, value: unknown) => void,
): Record<string, unknown> {
  const bindings: Record<string, unknown> = {};
  const [assignable = '', imports = ''] = names.split(READ_ONLY_AFTER);
  let index = 0;
  for (const name of assignable === '' ? [] : assignable.split(',')) {
    const at = index++;
    Object.defineProperty(bindings, name, {
      get: () => access(at),
      set(this: object, value: unknown) {
        if (this === bindings) access(at, 1, value);
        else stage(this, name, value);
      },
      enumerable: true,
      configurable: true,
    });
  }
  for (const name of imports === '' ? [] : imports.split(',')) {
    const at = index++;
    Object.defineProperty(bindings, name, { get: () => access(at), enumerable: true, configurable: true });
  }
  return bindings;
}

/**
 * The header's access function over `assignable` then `imports`, as code: a `switch` on the
 * index, one function for the whole scope (a closure V8 compiles only if it is called).
 */
export function bindingAccessCode(
  assignable: readonly string[],
  imports: readonly string[],
  kind: 'cjs' | 'esm' = 'cjs',
): string {
  const cases = [
    ...(kind === 'esm'
      ? [`case ${IMPORT_META}:return import.meta;`, `case ${DYNAMIC_IMPORT}:return import(__hp_v);`]
      : []),
    ...assignable.map((name, index) => `case ${index}:if(__hp_w)${name}=__hp_v;return ${name};`),
    ...imports.map((name, index) => `case ${assignable.length + index}:return ${name};`),
  ];
  return `(__hp_i,__hp_w,__hp_v)=>{switch(__hp_i){${cases.join('')}}}`;
}
