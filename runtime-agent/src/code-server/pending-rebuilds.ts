/**
 * The rebuilds a load's commits leave for after them (route-rebuild.ts): routes built at startup
 * from a module's exports, or by a router factory of it, and constants other modules made from
 * an export it replaced. The commits queue them; the load runs them once its commits are done.
 */
import type { Origin } from '../protocol';
import type { CodeServer } from './code-server';
import type { StaleImport } from './import-reads';
import type { HotModule } from './module-version';
import {
  distinctRebuilds,
  newValueRebuild,
  rebuildRoutes,
  type RebuiltRoutes,
  type RouteRebuild,
} from './route-rebuild';

/** How many modules deep the rebuilds a load starts follow one another (see run). */
const REBUILD_ROUNDS = 4;

export class PendingRebuilds {
  readonly #queue: RouteRebuild[] = [];

  add(rebuilds: RouteRebuild[]): void {
    this.#queue.push(...rebuilds);
  }

  /**
   * What other modules read of `module`'s replaced exports at startup: where routes were added
   * with the old value and nothing else read it, the routes are added again with the new one
   * after the commit, and the note goes into `warnings`; what no rebuild applies waits for a
   * restart, its note in `notApplied` (the current version's, so that the restart is offered).
   */
  staleReads(module: HotModule, reads: StaleImport[], warnings: string[], notApplied: string[]): void {
    for (const stale of reads) {
      const rebuild = newValueRebuild(module, stale);
      if (rebuild) this.#queue.push(rebuild);
      (rebuild ? warnings : notApplied).push(stale.note);
    }
  }

  /**
   * Runs what the commits queued. A module run again may replace an export another module took
   * in turn (`const { schema } = require('./schema')` after schema.js took the new type
   * definitions): its rebuilds follow, up to REBUILD_ROUNDS deep, in the order their results are
   * to be reported.
   */
  async run(server: CodeServer, origin: Origin): Promise<RebuiltRoutes[]> {
    const results: RebuiltRoutes[] = [];
    let queue = distinctRebuilds(this.#queue.splice(0));
    for (let round = 0; round < REBUILD_ROUNDS && queue.length > 0; round++) {
      const next: RouteRebuild[] = [];
      for (const rebuild of queue) {
        results.push(...(await rebuildRoutes(server, [rebuild], origin)));
        // What running it again replaced in turn belongs to the same load: reported with its trigger.
        next.push(...this.#queue.splice(0).map((nested) => ({ ...nested, trigger: rebuild.trigger })));
      }
      queue = distinctRebuilds(next);
    }
    // Deeper ones (`queue`, past the last round) are not run: their notes stand.
    return results;
  }
}
