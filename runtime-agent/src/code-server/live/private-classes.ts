/**
 * A class with private members (`#rooms`, `#room()`) keeps them on its instances under the
 * class's own private names: a method compiled anywhere but inside that class cannot name them
 * (a syntax error), and the methods of a new version's class are another class's, which the
 * running instances do not have (a TypeError at the first `this.#rooms`). So each such class
 * gets a static method of its own that compiles code in its body, with a direct `eval`, which
 * sees the class's private names: a new version's methods are compiled through it, with the
 * running class's names, and become the newest bodies its methods forward to.
 *
 * What a method cannot take this way is said, with a restart: a private member the running
 * class does not declare (a new `#count`), a method using `super` (a function compiled on its
 * own has no home object), a changed constructor (the instances were made by the old one).
 */
import type { VersionScope } from './live-module';
import type { LiveClass, LiveFunction } from './program';
import { renderAsFunction, type Rendering } from './render-function';
import { errorMessage } from '../../error-message';

const COMPILE_KEY = Symbol.for('hotpatch.compileInClass');

/** Added to the body of every class with private members (instrumentClass). */
export const PRIVATE_COMPILER = `static[Symbol.for(${JSON.stringify(COMPILE_KEY.description)})](__hp_source){return eval(__hp_source)}`;

type Compiler = (source: string) => unknown;

/** A method of a class with private members, as source to compile inside the running class. */
export interface PrivateMethod {
  className: string;
  classSlot: number;
  slot: number;
  label: string;
  /** `(__hotpatch$) => function …`: given the version's scope, the method's function. */
  source: string;
}

/** The new version's methods of `klass` (a class with private members), and what cannot apply. */
export function privateMethods(
  klass: LiveClass,
  methods: LiveFunction[],
  rendering: Rendering,
  slotOf: (key: string) => number,
  changed: (fn: LiveFunction) => boolean,
): { methods: PrivateMethod[]; notApplied: string[] } {
  const found: PrivateMethod[] = [];
  const notApplied: string[] = [];
  for (const fn of methods) {
    const label = `${klass.name}.${fn.member!.name}`;
    if (fn.member!.kind === 'constructor' || fn.usesSuper) {
      if (changed(fn)) {
        const why = fn.usesSuper ? 'it uses super' : 'the instances were made by the old constructor';
        notApplied.push(`${label} (line ${fn.line}) keeps its old code: a class with private members, and ${why}`);
      }
      continue;
    }
    const { node } = fn;
    const keyword = `${node.async ? 'async ' : ''}function${node.generator ? '*' : ''}`;
    const text = renderAsFunction(rendering, fn).text;
    found.push({
      className: klass.name,
      classSlot: slotOf(klass.key),
      slot: slotOf(fn.key),
      label,
      source: `(__hotpatch$)=>(${keyword}${text})`,
    });
  }
  return { methods: found, notApplied };
}

/**
 * Compiles each method inside its running class and makes it the version's body for its slot.
 * Returns what could not be compiled (a private name the running class does not declare).
 */
export function compilePrivateMethods(
  methods: PrivateMethod[],
  runningClass: (slot: number) => Function | undefined,
  scope: VersionScope,
): string[] {
  const notApplied: string[] = [];
  const without = new Set<string>();
  for (const method of methods) {
    const compile = (runningClass(method.classSlot) as { [key: symbol]: Compiler } | undefined)?.[COMPILE_KEY];
    if (typeof compile !== 'function') {
      // A class that gained its first private members: its running instances have none.
      if (!without.has(method.className))
        notApplied.push(
          `class ${method.className} uses private members (#...) the running class was made without: its methods keep their old code; restart the app to run them`,
        );
      without.add(method.className);
      continue;
    }
    try {
      const withScope = compile(method.source) as (hp: VersionScope) => (...args: unknown[]) => unknown;
      scope.impl(method.slot, withScope(scope));
    } catch (error) {
      notApplied.push(`${method.label} keeps its old code: ${errorMessage(error)}; restart the app to run it`);
    }
  }
  return notApplied;
}

/** An instance's `#private` field, read and written from inside its running class. */
export interface PrivateField {
  get(instance: object): unknown;
  set(instance: object, value: unknown): void;
}

/**
 * Access to the `#private` fields `names` (`#notes`, as the parser read them from the running
 * class) of the instances of `runningClass`, compiled inside it (a holder's codeChange converts
 * them: holder-migration.ts). A name the running class does not declare, or a class that gained
 * its first private members after it ran, gets none.
 */
export function privateFieldAccess(runningClass: Function, names: readonly string[]): Map<string, PrivateField> {
  const access = new Map<string, PrivateField>();
  const compile = (runningClass as unknown as { [key: symbol]: Compiler | undefined })[COMPILE_KEY];
  if (typeof compile !== 'function') return access;
  for (const name of names) {
    try {
      access.set(name, compile(`({get:(o)=>o.${name},set:(o,v)=>{o.${name}=v}})`) as PrivateField);
    } catch {
      // Not one of the running class's private names: nothing of the instances to read.
    }
  }
  return access;
}
