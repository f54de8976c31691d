/**
 * Migrations of the state a module holds outside servers (gen_server's code_change, brought to
 * where TypeScript back ends keep their data):
 *
 * - its variables: the new version's top-level `codeChange(from, old, extra)` gets the running
 *   module's variables by name and returns the ones it converts;
 * - the instances of its classes: a changed class's `static codeChange(from, old, extra)` gets
 *   each live instance's own fields and returns the fields it converts.
 *
 * As for servers: the codeChange runs in the dry run and again at commit, each time on copies
 * (made as it reads a value, so a variable it never reads, an Express app, is never copied),
 * within its time budget; every result is checked before anything is written, and one failure
 * refuses the whole upgrade with nothing changed. The results are written after the new code
 * is installed, into the running objects the copies were made from (write-back.ts).
 */
import { setImmediate as nextTick } from 'node:timers/promises';
import { basename } from 'node:path';
import { BudgetExceeded, runEachWithinBudget } from '../code-server/budget';
import type { Digest } from '../code-server/live/digest';
import { instancesOf } from '../code-server/live/instances';
import { privateFieldAccess, type PrivateField } from '../code-server/live/private-classes';
import { KEY_SEPARATOR } from '../code-server/live/program';
import type { HotModule, PreparedVersion } from '../code-server/module-version';
import { asCommitted } from '../code-server/live/as-committed';
import type { VersionScope } from '../code-server/live/live-module';
import type { StateShape, UpgradeError, UpgradePlan } from '../protocol';
import type { CodeChangeFrom } from './define-server';
import type { Originals } from './copy-keeping-functions';
import { copyState } from './migration';
import { lostClass } from './lost-classes';
import { writtenBack } from './write-back';
import { preview } from './render-state';
import { checkShape } from './state-shape';
import { errorMessage } from '../error-message';

/** One value a holder's codeChange converts: the module's variables, or one instance. */
interface Subject {
  label: string;
  /** The names of its values and how to read each as it is now. */
  names(): string[];
  read(name: string): unknown;
  write(values: Record<string, unknown>): void;
}

/** A holder whose new code has a codeChange: `module` or `class:<Name>`. */
export interface HolderStage {
  file: string;
  key: string;
  from: CodeChangeFrom;
  /** The codeChange and the `this` it is called with (the class, for a static one). */
  codeChange: Function;
  self: unknown;
  /** The version the codeChange belongs to, whose functions it calls as they will be after the commit. */
  version: VersionScope;
  /** Found when asked: instances made between the dry run and the commit migrate too. */
  subjects(): Subject[];
  /** Why a returned name cannot be written, if it cannot. */
  refuses(name: string): string | undefined;
  shape: StateShape | undefined;
}

export interface HolderResult {
  subject: Subject;
  values: Record<string, unknown>;
  /** The originals of the copies the codeChange read, which its values are written back into. */
  originals: Originals;
}

/** The holders of a prepared version that have a codeChange to run. */
export function holderStages(prepared: PreparedVersion, shapes: Record<string, StateShape> | undefined): HolderStage[] {
  const { module, version } = prepared;
  const live = module.live;
  const scope = version.live?.scope;
  const running = module.current.live;
  if (!live || !scope || !running) return []; // a module evaluated whole starts its state over: nothing to convert
  const base = {
    vsn: module.current.info.vsn,
    // The running version's top-level let, const and var: what a module codeChange converts.
    variables: running.digest.statements.flatMap((s) =>
      s.declaration === 'var' || s.declaration === 'let' || s.declaration === 'const' ? s.declares : [],
    ),
  };
  const stages: HolderStage[] = [];
  const next = version.live!.digest;
  const moduleChange = (scope.s as Record<string, unknown>).codeChange;
  const moduleKey = [`${KEY_SEPARATOR}fn:codeChange`, `${KEY_SEPARATOR}var:codeChange`].find((k) =>
    next.functions.has(k),
  );
  if (typeof moduleChange === 'function' && (!moduleKey || brought(moduleKey, running.digest, next))) {
    const variables = new Set(base.variables);
    stages.push({
      file: module.file,
      key: 'module',
      from: base.vsn,
      codeChange: moduleChange,
      self: undefined,
      version: scope,
      shape: shapes?.module,
      subjects: () => [variablesOf(module, base.variables)],
      refuses: (name) =>
        variables.has(name)
          ? undefined
          : `'${name}', which is not a variable of the module (codeChange returns the variables it converts)`,
    });
  }
  for (const [slot, nextClass] of scope.classes) {
    const runningClass = live.classes[slot];
    const info = version.live!.classes.get(slot);
    const codeChange = Object.getOwnPropertyDescriptor(nextClass, 'codeChange')?.value as unknown;
    if (!runningClass || !info || typeof codeChange !== 'function') continue;
    // Finding the instances walks the heap: only for the load that brings this codeChange.
    const classKey = [...live.slots].find(([, s]) => s === slot)?.[0];
    if (classKey && !brought(`${classKey}.static method:codeChange`, running.digest, next)) continue;
    // Its instances' #private fields, read and written from inside the running class.
    const privateFields = privateFieldAccess(runningClass, classKey ? privateFieldsOf(running.digest, classKey) : []);
    stages.push({
      file: module.file,
      key: `class:${info.name}`,
      from: base.vsn,
      codeChange,
      self: nextClass,
      version: scope,
      shape: shapes?.[`class:${info.name}`],
      subjects: () =>
        instancesOf(runningClass).map((instance, i) => instanceSubject(info.name, i + 1, instance, privateFields)),
      refuses: (name) =>
        name.startsWith('#') && !privateFields.has(name)
          ? `'${name}', a private field the running ${info.name} does not have (a new one takes a restart of the app)`
          : undefined,
    });
  }
  return stages;
}

/**
 * Whether the function at `key` is new in the `next` version or its code (the functions inside
 * it included) differs from the running one's: a codeChange runs in the load that brings it,
 * not again at every later load while it stays in the file.
 */
function brought(key: string, running: Digest, next: Digest): boolean {
  const inside = (k: string): boolean => k === key || k.startsWith(`${key}${KEY_SEPARATOR}`);
  const nextKeys = [...next.functions.keys()].filter(inside);
  if (nextKeys.length === 0) return true; // not a function this reader follows: run it, as before
  if ([...running.functions.keys()].filter(inside).length !== nextKeys.length) return true;
  return nextKeys.some((k) => !running.functions.get(k)?.own.equals(next.functions.get(k)!.own));
}

/** The running module's variables (its top-level let, const and var), as one subject. */
function variablesOf(module: HotModule, variables: string[]): Subject {
  const bindings = module.live!.bindings;
  return {
    label: `${basename(module.file)} variables`,
    names: () => variables,
    read: (name) => bindings[name],
    write: (values) => {
      for (const [name, value] of Object.entries(values)) bindings[name] = value;
    },
  };
}

/** The `#private` instance fields of the running version's class at `classKey`. */
function privateFieldsOf(running: Digest, classKey: string): string[] {
  return running.classes.get(classKey)?.privateFields ?? [];
}

function instanceSubject(
  className: string,
  n: number,
  instance: object,
  privateFields: ReadonlyMap<string, PrivateField>,
): Subject {
  const fields = instance as Record<string, unknown>;
  return {
    label: `${className} instance ${n}`,
    names: () => [...Object.keys(instance), ...privateFields.keys()],
    read: (name) => {
      const field = privateFields.get(name);
      return field ? field.get(instance) : fields[name];
    },
    write: (values) => {
      for (const [name, value] of Object.entries(values)) {
        const field = privateFields.get(name);
        if (field) field.set(instance, value);
        else Object.defineProperty(instance, name, { value, writable: true, enumerable: true, configurable: true });
      }
    },
  };
}

/**
 * Runs `stage`'s codeChange for each of its subjects, `chunkSize` per event-loop turn, each
 * call within `budgetMs`. Results that passed their checks are returned; what failed is in
 * `errors`. The subjects are untouched.
 */
export async function migrateHolders(
  stage: HolderStage,
  extra: unknown,
  chunkSize: number,
  budgetMs: number,
  errors: UpgradeError[],
  previews?: { list: UpgradePlan['previews']; max: number },
): Promise<{ results: HolderResult[]; count: number; longestBlockMs: number }> {
  let subjects: Subject[];
  // Finding a class's instances walks the heap in one turn: the longest block, likely.
  const finding = performance.now();
  try {
    subjects = stage.subjects();
  } catch (error) {
    errors.push({ file: stage.file, message: `${stage.key}: its live values cannot be found: ${errorMessage(error)}` });
    return { results: [], count: 0, longestBlockMs: performance.now() - finding };
  }
  let longestBlockMs = performance.now() - finding;
  let since = performance.now();
  const turn = async (): Promise<void> => {
    longestBlockMs = Math.max(longestBlockMs, performance.now() - since);
    await nextTick();
    since = performance.now();
  };
  const results: HolderResult[] = [];
  const outcomes = new Map<Subject, Outcome>();
  try {
    for (let i = 0; i < subjects.length;) {
      if (i > 0) await turn();
      const end = Math.min(subjects.length, i + chunkSize);
      while (i < end) {
        i = asCommitted(stage.version, () =>
          runEachWithinBudget(subjects, i, end - i, budgetMs, (subject) =>
            outcomes.set(subject, runOne(stage, subject, extra)),
          ),
        );
        if (i < end) await turn();
      }
    }
  } catch (error) {
    if (!(error instanceof BudgetExceeded)) throw error;
    const subject = error.item as Subject | undefined;
    errors.push({
      file: stage.file,
      ...(subject ? { process: subject.label } : {}),
      message: `codeChange ran past its time budget of ${error.budgetMs} ms and was stopped (a loop that never ends?)`,
    });
    return { results: [], count: subjects.length, longestBlockMs };
  }
  for (const subject of subjects) {
    const outcome = outcomes.get(subject)!;
    if ('error' in outcome) {
      errors.push({ file: stage.file, process: subject.label, message: outcome.error });
      continue;
    }
    results.push({ subject, values: outcome.values, originals: outcome.originals });
    if (previews && previews.list.length < previews.max) {
      const before = Object.fromEntries(Object.keys(outcome.values).map((name) => [name, subject.read(name)]));
      previews.list.push(preview(subject.label, stage.file, before, outcome.values));
    }
  }
  return { results, count: subjects.length, longestBlockMs: Math.max(longestBlockMs, performance.now() - since) };
}

/**
 * Writes what the migrations returned (after the point of no return): each copy in the values
 * written back into the running object it was copied from (write-back.ts).
 */
export function writeHolders(results: HolderResult[]): void {
  for (const { subject, values, originals } of results) {
    subject.write(writtenBack(values, originals) as Record<string, unknown>);
  }
}

type Outcome = { values: Record<string, unknown>; originals: Originals } | { error: string };

function runOne(stage: HolderStage, subject: Subject, extra: unknown): Outcome {
  let result: unknown;
  const originals: Originals = new Map();
  try {
    result = Reflect.apply(stage.codeChange, stage.self, [stage.from, copiesOf(subject, originals), extra]);
  } catch (error) {
    return { error: error instanceof Uncopyable ? error.message : `codeChange threw: ${errorMessage(error)}` };
  }
  if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
    (result as PromiseLike<unknown>).then(undefined, () => {});
    return { error: 'codeChange must return the converted values synchronously, not a promise' };
  }
  if (result === null || typeof result !== 'object' || Array.isArray(result)) {
    return {
      error: `codeChange returned ${result === undefined ? 'undefined' : Array.isArray(result) ? 'an array' : typeof result}: it must return an object of the values it converts ({} for none)`,
    };
  }
  const values = result as Record<string, unknown>;
  for (const [name, value] of Object.entries(values)) {
    const refused = stage.refuses(name);
    if (refused) return { error: `codeChange returned ${refused}` };
    const lost = subject.names().includes(name) ? lostClass(subject.read(name), value, name) : undefined;
    if (lost) {
      return {
        error: `codeChange returned ${lost} (return the instance with its new fields: Object.assign(item, { … }))`,
      };
    }
    const property = stage.shape?.type === 'object' ? stage.shape.properties[name] : undefined;
    if (!property || (property.optional && value === undefined)) continue;
    const wrong = checkShape(value, property.shape, name);
    if (wrong) return { error: `codeChange returned ${wrong}` };
  }
  return { values, originals };
}

class Uncopyable extends Error {}

/** The record a codeChange reads: each value copied the first time it is read. */
function copiesOf(subject: Subject, originals: Originals): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const name of subject.names()) {
    let copy: { value: unknown } | undefined;
    Object.defineProperty(record, name, {
      enumerable: true,
      configurable: true,
      get: () => {
        if (!copy) {
          try {
            copy = { value: copyState(subject.read(name), name, originals) };
          } catch (error) {
            throw new Uncopyable(
              `codeChange read '${name}', which cannot be copied for it (${errorMessage(error)}): read only the data it converts`,
            );
          }
        }
        return copy.value;
      },
      set: (value: unknown) => {
        copy = { value };
      },
    });
  }
  return record;
}
