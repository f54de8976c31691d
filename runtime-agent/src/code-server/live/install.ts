/**
 * Commit of a live version: its bindings and function bodies become the module's, and each
 * class it evaluated is patched onto the class the running app holds (instances keep their
 * identity and get the new methods; `new` of the old class runs the new constructor).
 */
import { patchClass } from '../stable-exports';
import type { ClassInfo, LiveVersion } from './index';
import type { LiveModule } from './live-module';
import { installField } from './fields';
import { unregister } from './registrations';

/** Returns what could not be done. */
export function installLiveVersion(module: LiveModule, version: LiveVersion): string[] {
  const warnings: string[] = [];
  const { scope } = version;
  // A changed statement that did not run (a restart applies it) leaves the running one's
  // registrations in place, attributed to it: they are what still runs (a cluster's `exit`
  // listener, beside the fork it did not repeat: cluster-forks.ts).
  const stays = new Set<object>();
  for (const index of scope.notRun.keys()) {
    const running = version.replaces.get(index);
    if (!running) continue;
    stays.add(running.id);
    scope.statementIds[index] = running.id;
    const undone = version.report?.undone;
    if (undone?.includes(running.undone)) undone.splice(undone.indexOf(running.undone), 1);
  }
  scope.install();
  unregister(
    module,
    version.removed.filter((statement) => !stays.has(statement)),
  );
  for (const [slot, next] of scope.classes) {
    const running = module.classes[slot];
    const info = version.classes.get(slot);
    if (!running || running === next || !info) {
      module.classes[slot] = next;
      continue;
    }
    if (info.hasPrivate) {
      // Its methods' new bodies were compiled inside it (private-classes.ts); new ones join it.
      addNewMethods(running, info, module);
      continue;
    }
    patchClass(running, next, warnings, info.name, false);
    for (const member of info.members) {
      const holder = (member.isStatic ? next : next.prototype) as object;
      const descriptor = Object.getOwnPropertyDescriptor(holder, member.name);
      const body =
        member.kind === 'constructor'
          ? next
          : member.kind === 'get'
            ? descriptor?.get
            : member.kind === 'set'
              ? descriptor?.set
              : descriptor?.value;
      if (typeof body !== 'function') continue;
      module.replace(member.slot, body, scope.generation);
    }
  }
  for (const { slot, name, init } of scope.fields) {
    const running = module.classes[slot];
    if (running) installField(running, name, init);
  }
  return warnings;
}

/** The methods a class with private members gained, defined on the running class as their newest bodies. */
function addNewMethods(running: Function, info: ClassInfo, module: LiveModule): void {
  for (const member of info.members) {
    if (member.kind === 'constructor' || member.name.startsWith('#')) continue;
    const holder = (member.isStatic ? running : running.prototype) as object;
    const body = module.impl[member.slot];
    if (Object.hasOwn(holder, member.name) || typeof body !== 'function') continue;
    const method = body as (...args: unknown[]) => unknown;
    const part: PropertyDescriptor =
      member.kind === 'get'
        ? { get: method }
        : member.kind === 'set'
          ? { set: method }
          : { value: method, writable: true };
    Object.defineProperty(holder, member.name, { ...part, configurable: true, enumerable: false });
  }
}
