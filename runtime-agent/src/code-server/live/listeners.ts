/**
 * Event listeners a module's top-level statements add (`bus.on('order', onOrder)`,
 * `process.on('SIGTERM', shutdown)`, `wss.on('connection', …)`) are the statement's
 * registrations (registrations.ts): a load that takes the statement out, or changes it, removes
 * them again, so the old listener stops hearing its event as after a restart, and the changed
 * statement adds its own. Before, both kept listening until a restart.
 *
 * Only what the module's own code adds is the statement's: the listeners Node or a library adds
 * while the statement runs (a server's, as `app.listen()` starts it) are theirs, and stay.
 * EventEmitter's methods are wrapped only while top levels run, and until the loop turns after
 * the last: nothing costs anything between loads. (Put back as each top level ended, they were
 * swapped in and out once per module: an ES module app runs all its top levels in one turn, and
 * each swap of a prototype's method makes V8 drop what it knew of every call of EventEmitter's
 * methods; ≈2.5 µs a module, issue 13.) In between, a wrapper passes a call on as it is.
 */
import { EventEmitter } from 'node:events';
// Node's own: the agent's timer ownership wraps the global ones while top levels run.
import { setImmediate } from 'node:timers';
import { callSites, fileOf, registeredByStatement } from './registrations';
import { currentFrame, evaluatingAny } from './top-level';

const METHODS = ['on', 'addListener', 'prependListener', 'once', 'prependOnceListener'] as const;
type Method = (typeof METHODS)[number];
type Adder = (this: EventEmitter, event: string | symbol, listener: (...args: unknown[]) => void) => EventEmitter;

const proto = EventEmitter.prototype as unknown as Record<Method, Adder>;
/** The methods found when the capture began, and what took their place. */
const saved = new Map<Method, Adder>();
const installed = new Map<Method, Adder>();
/** Our wrapper of each method found, made once. */
const wrappers = new WeakMap<Adder, Adder>();

/** The restoring of the methods, once the loop turns after the last top level ended. */
let restoring: NodeJS.Immediate | undefined;

/** Starts attributing the listeners top levels add (the first top level begins). */
export function beginListenerCapture(): void {
  for (const method of METHODS) {
    const found = proto[method];
    if (typeof found !== 'function' || installed.get(method) === found) continue;
    let wrapper = wrappers.get(found);
    if (!wrapper) wrappers.set(found, (wrapper = wrap(found)));
    saved.set(method, found);
    installed.set(method, wrapper);
    proto[method] = wrapper;
  }
}

/**
 * Stops (the last top level ended): the methods are put back once the loop turns. One turn
 * serves every top level that ends before it (setting and clearing one for each module cost
 * ≈2 µs a module, issue 13).
 */
export function endListenerCapture(): void {
  restoring ??= setImmediate(restoreMethods).unref();
}

/** Puts the methods back; a method something else replaced meanwhile is left as it is. */
function restoreMethods(): void {
  restoring = undefined;
  // A top level began again and still runs (it awaits): put back once it ends.
  if (evaluatingAny()) return;
  for (const [method, wrapper] of installed) {
    if (proto[method] === wrapper) proto[method] = saved.get(method)!;
  }
  installed.clear();
  saved.clear();
}

function wrap(original: Adder): Adder {
  return function (this: EventEmitter, ...args: Parameters<Adder>) {
    const [event, listener] = args;
    const result = Reflect.apply(original, this, args) as EventEmitter;
    if (typeof listener === 'function' && addedByStatementCode()) {
      const emitter = new WeakRef(this);
      registeredByStatement(listener, () => {
        const target = emitter.deref();
        // `listeners` gives a `once` listener as the app passed it, as `removeListener` takes it.
        if (!target?.listeners(event).includes(listener)) return false;
        target.removeListener(event, listener);
        return true;
      });
    }
    return result;
  };
}

/**
 * Whether the code that called the method is that of the module whose top level runs now (the
 * statement's own code, or a function of the same file it called), not Node's or a library's.
 */
function addedByStatementCode(): boolean {
  const file = currentFrame()?.scope?.module.file;
  if (file === undefined) return false;
  // The wrapper, then its caller (for the `on` that Node's `once` calls, node:events).
  return fileOf(callSites(2, addedByStatementCode)[1]?.getFileName()) === file;
}
