/**
 * Routes an app built at startup from a module's exports, as MVC boot files do
 * (`for (const [name, action] of Object.entries(require('./controllers/users'))) app.get(…)`),
 * were registered once: a load that adds an export would leave it without a route. So after
 * the commit, the statements that registered those exports run again, as if they had changed:
 * the routes they registered are taken back and registered anew where the statement stands,
 * the new export's among them (a load in place of what used to need a restart).
 *
 * A rebuild is a load of the statement's module with its own code, that statement forced to
 * run again; if it fails, nothing of it stays and the report says a restart adds the export.
 */
import { basename } from 'node:path';
import type { Origin } from '../protocol';
import type { CodeServer } from './code-server';
import type { LiveModule } from './live';

/** Found by a commit: `trigger` gained exports (`added`) whose siblings `owners`' statements registered. */
export interface RouteRebuild {
  trigger: string;
  added: string[];
  owners: Map<LiveModule, Set<object>>;
}

/** What rebuilding did, for the report of the load that caused it. */
export interface RebuiltRoutes {
  trigger: string;
  ran: string[];
  notApplied: string[];
  warnings: string[];
}

export async function rebuildRoutes(
  server: CodeServer,
  rebuilds: RouteRebuild[],
  origin: Origin,
): Promise<RebuiltRoutes[]> {
  const results: RebuiltRoutes[] = [];
  for (const { trigger, added, owners } of rebuilds) {
    const result: RebuiltRoutes = { trigger, ran: [], notApplied: [], warnings: [] };
    for (const [live, statements] of owners) {
      const owner = server.find(live.file);
      if (!owner) continue;
      const where = basename(owner.file);
      try {
        const prepared = await server.prepare(owner.file, owner.current.code, owner.current.source, origin, statements);
        await server.settle(prepared);
        const committed = server.commit(prepared);
        result.ran.push(...committed.report.ran.map((ran) => `${where} ${ran}, again for the new export`));
        result.warnings.push(...committed.warnings);
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        const note =
          `${added.join(', ')}: ${where} built routes from this module's exports at startup, and building them ` +
          `again failed (${why}); restart to add ${added.length > 1 ? 'them' : 'it'}`;
        result.notApplied.push(note);
        result.warnings.push(note);
      }
    }
    results.push(result);
  }
  return results;
}
