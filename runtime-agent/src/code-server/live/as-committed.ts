/**
 * Calling a prepared version's code before its commit as it will run after it. A load keeps
 * the statements it did not change, with the functions in them (a `codeChange` the running
 * version already had, a `defineServer({ … })` whose callbacks changed): their new bodies are
 * staged, and the functions the app holds forward to them only once the version commits (see
 * new-bodies.ts). So a codeChange that was edited, or one that calls a helper that was, ran
 * the running version's body in the dry run and at the commit: the migration the user wrote
 * never ran, and the load said ✓. (Only the version's own module: a helper that another
 * module of the same release changes runs its running body until that module commits.)
 *
 * The staged bodies go into the module's dispatch tables for the length of one synchronous call
 * and are put back after it: nothing else of the app runs in between. The call must be the
 * whole budgeted run (runEachWithinBudget), not code inside it: a codeChange cut off at its
 * budget is terminated, which skips every `finally` inside (budget.ts), and the bodies of a
 * version never committed would stay. The guard cell stays raised, which costs the module's
 * prologues their folding, never a wrong call (guard-cell.ts).
 */
import type { VersionScope } from './live-module';

/** `call()`, with `scope`'s staged bodies the newest of their slots while it runs. */
export function asCommitted<T>(scope: VersionScope | undefined, call: () => T): T {
  if (!scope || scope.bodies.length === 0) return call();
  const { module } = scope;
  const saved = scope.bodies.map(({ slot }) => ({
    slot,
    body: module.impl[slot],
    generation: module.newest[slot]!,
    withEnv: module.withEnv[slot]!,
  }));
  for (const { slot, body, withEnv } of scope.bodies) module.replace(slot, body, scope.generation, withEnv);
  try {
    return call();
  } finally {
    // Each entry was read before any replace: a slot staged twice gets back what it held before.
    for (const { slot, body, generation, withEnv } of saved) {
      module.impl[slot] = body;
      module.newest[slot] = generation;
      module.withEnv[slot] = withEnv;
    }
  }
}
