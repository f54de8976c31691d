/**
 * The live instances of a hot class, found when a migration needs them rather than tracked as
 * they are made: V8's inspector can list every object whose prototype chain holds a given
 * prototype (`Runtime.queryObjects`, what DevTools' `queryObjects(Class)` calls). Tracking
 * each `new` instead would cost every construction of every hot class in the app (entities,
 * DTOs made per request) for the rare load that migrates a class; this costs one heap walk,
 * at that load, and keeps nothing alive.
 *
 * The session is the app's own, in this thread (node:inspector), so its calls answer
 * synchronously; it does not open a port and leaves any debugger attached untouched.
 */
import type { Session } from 'node:inspector';

let session: Session | undefined;

/** Where the inspector's query result is handed back (a script has no other way to return an object). */
const HANDOFF = Symbol.for('hotpatch.instances');
/** Where the prototype waits to be named by the inspector. */
const PROBE = Symbol.for('hotpatch.prototypeProbe');
const GROUP = 'hotpatch-instances';

/**
 * Every live object made by `klass` or a subclass (not the subclasses' prototypes). Throws
 * when the inspector is not available (a Node built without it).
 */
export function instancesOf(klass: Function): object[] {
  const prototype = klass.prototype as object;
  const global = globalThis as unknown as Record<symbol, unknown>;
  global[PROBE] = prototype;
  try {
    const { result } = post<{ result: { objectId?: string } }>('Runtime.evaluate', {
      expression: `globalThis[Symbol.for('hotpatch.prototypeProbe')]`,
      objectGroup: GROUP,
    });
    if (!result.objectId) return [];
    const { objects } = post<{ objects: { objectId: string } }>('Runtime.queryObjects', {
      prototypeObjectId: result.objectId,
      objectGroup: GROUP,
    });
    post('Runtime.callFunctionOn', {
      objectId: objects.objectId,
      functionDeclaration: `function () { globalThis[Symbol.for('hotpatch.instances')] = this; }`,
    });
    const found = (global[HANDOFF] as object[] | undefined) ?? [];
    return found.filter((object) => !isPrototype(object));
  } finally {
    delete global[PROBE];
    delete global[HANDOFF];
    try {
      post('Runtime.releaseObjectGroup', { objectGroup: GROUP });
    } catch {
      // nothing held to release
    }
  }
}

/** A subclass's prototype is in the chain too: it is no instance. */
function isPrototype(object: object): boolean {
  const constructor = Object.getOwnPropertyDescriptor(object, 'constructor')?.value as unknown;
  return typeof constructor === 'function' && (constructor as Function).prototype === object;
}

/** A call to the in-thread session: its callback runs before post returns. */
function post<T = unknown>(method: string, params: object): T {
  if (!session) {
    // Loaded at the first migration that needs it, not with the agent: node:inspector and what
    // it pulls in were ≈1.5 MB of every app's memory at start (issue 13).
    const { Session } = process.getBuiltinModule('node:inspector');
    session = new Session();
    session.connect();
  }
  let outcome: { error: Error | null; result: unknown } | undefined;
  session.post(method, params, (error, result) => {
    outcome = { error, result };
  });
  if (!outcome) throw new Error(`the inspector did not answer ${method} at once`);
  if (outcome.error) throw outcome.error;
  return outcome.result as T;
}
