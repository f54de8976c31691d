/**
 * A class's setup method that its constructor ran once, at startup (`constructor() {
 * this.initializeRoutes(); }`, the controllers of class-based Express apps): a load that adds a
 * route to it would wait for a `new` that never comes. Running again the statement that made the
 * instance would make a new controller, a new app and a second server, and lose the data its
 * fields hold. So the method runs again on the running instance: what it registered at startup
 * is taken back, and what it registers now takes its place, in the same lists at the same
 * positions, attributed to the same statement (registrations.ts). If the method throws, the
 * lists it had entries in go back as they were.
 */
import { changed } from './koa-composition';
import type { LiveModule, VersionScope } from './live-module';
import { callerKey, type Registration } from './registrations';
import { enterTopLevel, leaveTopLevel } from './top-level';

/** What the method registered at startup, taken out of its lists. */
interface TakenBack {
  module: LiveModule;
  statement: object;
  /** The statement's registrations the method did not make: they stay. */
  kept: Registration[];
  /** The statement's registrations the method made. */
  taken: Registration[];
  /** Each list the method's entries were in, with where the first was and the entries as they were. */
  lists: Map<unknown[], { at: number; entries: unknown[] }>;
}

/**
 * Whether what `statement` registered while function `label` of `file` ran can be taken back
 * and made again: entries of lists, each where the method put it (not what a function of its own
 * takes back, an event listener, which could not be put back if the method threw).
 */
export function canRunAgain(module: LiveModule, statement: object, file: string, label: string): boolean {
  const key = callerKey(file, label);
  const taken = (module.registrations.get(statement) ?? []).filter(({ callers }) => callers.has(key));
  return taken.length > 0 && taken.every(({ list, remove }) => list !== undefined && remove === undefined);
}

/**
 * Runs `method` again on `instance`, in place of what it registered while the statement of
 * `module` (whose running version's scope is `scope`) ran it. `file` and `label` name the method
 * as registrations name their callers. Throws what the method throws, with nothing changed.
 */
export function runMethodAgain(
  instance: object,
  method: string,
  at: { module: LiveModule; statement: object; scope: VersionScope },
  file: string,
  label: string,
): void {
  const taken = takeBack(at.module, at.statement, callerKey(file, label));
  const lengths = new Map([...taken.lists.keys()].map((list) => [list, list.length]));
  const frame = enterTopLevel(at.module.file, true);
  frame.scope = at.scope;
  frame.index = at.scope.statementIds.indexOf(at.statement);
  try {
    (instance as Record<string, () => unknown>)[method]!();
  } catch (error) {
    putBack(taken);
    throw error;
  } finally {
    leaveTopLevel(frame);
  }
  // What it appended to a list it had entries in goes where the first of those was.
  for (const [list, { at: index }] of taken.lists) {
    const added = list.splice(lengths.get(list)!);
    list.splice(index, 0, ...added);
    changed(list);
  }
}

function takeBack(module: LiveModule, statement: object, key: string): TakenBack {
  const registrations = module.registrations.get(statement) ?? [];
  const taken = registrations.filter(({ callers }) => callers.has(key));
  const kept = registrations.filter((registration) => !taken.includes(registration));
  const lists = new Map<unknown[], { at: number; entries: unknown[] }>();
  for (const { list, entry } of taken) {
    const array = list?.deref();
    const value = entry.deref();
    if (!array || !value) continue;
    if (!lists.has(array)) lists.set(array, { at: array.length, entries: [...array] });
    const index = array.indexOf(value);
    if (index < 0) continue;
    array.splice(index, 1);
    lists.get(array)!.at = Math.min(lists.get(array)!.at, index);
    changed(array);
  }
  module.registrations.set(statement, kept);
  return { module, statement, kept, taken, lists };
}

/** The method threw: its lists and the statement's registrations as they were before it ran again. */
function putBack(taken: TakenBack): void {
  for (const [list, { entries }] of taken.lists) {
    list.splice(0, list.length, ...entries);
    changed(list);
  }
  taken.module.registrations.set(taken.statement, [...taken.kept, ...taken.taken]);
}
