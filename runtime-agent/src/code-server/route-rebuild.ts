/**
 * Routes an app built at startup were registered once:
 * - from a module's exports, as MVC boot files do
 *   (`for (const [name, action] of Object.entries(require('./controllers/users'))) app.get(…)`):
 *   a load that adds an export would leave it without a route;
 * - by a router factory the app called at startup (`app.use('/users', makeUserRoutes())`): a
 *   load that adds a route to the factory, or takes one out, would wait for a call that never comes;
 * - with a value another module exports (`validateBody(CreateTodo)`): a load that gives it a new
 *   value would leave the route with the old one.
 * So after the commit, the statements that registered them run again, as if they had changed:
 * the routes they registered are taken back and registered anew where the statement stands,
 * the new ones among them (a load in place of what used to need a restart).
 *
 * A rebuild is a load of the statement's module with its own code, that statement forced to
 * run again; if it fails, nothing of it stays and the report says what a restart applies.
 * Where no statement can run again, what made the routes does, in place: a controller's setup
 * method on its instance (method-rerun.ts), a Fastify plugin on its instance
 * (fastify-plugins.ts), NestJS's mapping of a controller whose method decorators changed
 * (nest-routes.ts), @nestjs/schedule's jobs of a provider whose method decorators changed
 * (nest-schedule.ts).
 */
import { relative } from 'node:path';
import type { Origin } from '../protocol';
import type { CodeServer } from './code-server';
import type { LiveModule } from './live';
import { pluginCallsOf, runPluginAgain, type PluginCall } from './live/fastify-plugins';
import { instancesOf } from './live/instances';
import { canRunAgain, runMethodAgain } from './live/method-rerun';
import type { SetupChange } from './live/setup-changes';
import { mappedAgain, nestRebuilds, scheduledAgain } from './nest-rebuilds';
import { statementsCalling, statementsRegistering } from './live/registrations';
import { onlyCalls } from './factory-calls';
import type { HotModule } from './module-version';
import type { StaleImport } from './import-reads';
import { errorMessage } from '../error-message';

/** Found by a commit of `trigger`: `owners`' statements registered routes that `cause` changes. */
export interface RouteRebuild {
  trigger: string;
  cause: RebuildCause;
  owners: Map<LiveModule, Set<object>>;
  /** Instead of running the statement again: a method it ran, run again on the instance it made (see method-rerun.ts). */
  method?: { instance: object; name: string; label: string };
  /** Instead: a Fastify plugin, run again on the instance each of its calls had (see fastify-plugins.ts). */
  plugin?: { calls: PluginCall[]; label: string };
  /** Instead: a NestJS controller whose method decorators changed, mapped again (see nest-routes.ts). */
  controller?: { klass: Function; decorate: () => void; label: string };
  /** Instead: a NestJS provider whose method decorators changed, its scheduled jobs made again (see nest-schedule.ts). */
  jobs?: { klass: Function; decorate: () => void; label: string };
}

/** Why statements run again, in the report's words. */
export interface RebuildCause {
  /** Ends each line of what ran again: `, again for …`. */
  again: string;
  /** The note when running them again failed: it says what a restart applies. */
  failed(where: string, why: string): string;
  /** The trigger's own notes that running them again makes untrue. */
  resolves: string[];
}

/**
 * What a commit of `module` finds to build again: the statements that registered its exported
 * functions, when it gained exports (`added`; `exported`: the names it had), and those that
 * called a function of it that now registers something new.
 */
export function rebuildsAfter(
  module: HotModule,
  exports: { exported: Set<string>; added: string[] },
  modules: Map<string, HotModule>,
): RouteRebuild[] {
  const rebuilds: RouteRebuild[] = [];
  const live = [...modules.values()].flatMap((m) => (m.live ? [m.live] : []));
  // Only when exports were added: the scan reads every registration of the app.
  if (exports.added.length > 0) {
    const owners = statementsRegistering(live, exportedFunctions(module, exports.exported));
    if (owners.size > 0) rebuilds.push({ trigger: module.file, cause: exportsAdded(exports.added), owners });
  }
  for (const change of module.current.live?.setupChanges ?? []) {
    const owners = onlyCalls(statementsCalling(live, module.file, change.label), modules, change.label);
    if (owners.size > 0) rebuilds.push({ trigger: module.file, cause: setupChanged(change), owners });
    else {
      // Found anew: onlyCalls narrowed the statements it was given to calls alone.
      const calling = statementsCalling(live, module.file, change.label);
      const again = methodAgain(module, change, calling) ?? pluginAgain(module, change);
      if (again) rebuilds.push(again);
    }
  }
  rebuilds.push(...nestRebuilds(module));
  return rebuilds;
}

/**
 * The statements of other modules that registered routes with an export's old value
 * (`router.post('/', validateBody(CreateTodo), …)`), or that took it into a constant of their
 * own (`const { limit } = require('./config')`), to run again with its new one: when every read
 * of it at startup was such a statement (import-reads.ts, export-copies.ts). Otherwise the note
 * stands. A constant run again is a new value in its module, which that module's load follows
 * as its own (what it computed from it is computed again, or named).
 */
export function newValueRebuild(module: HotModule, stale: StaleImport): RouteRebuild | undefined {
  const owners = new Map<LiveModule, Set<object>>();
  for (const { importer, statement, takesExports } of stale.reads) {
    const id = statement === undefined ? undefined : importer.current.live?.scope.statementIds[statement];
    if (!importer.live || !id || !(takesExports || importer.live.registrations.has(id))) return undefined;
    owners.set(importer.live, (owners.get(importer.live) ?? new Set<object>()).add(id));
  }
  return {
    trigger: module.file,
    cause: {
      again: `the new value of ${stale.name}`,
      failed: (where, why) =>
        `${stale.name}: ${where} read it at startup, and running that again failed (${why}); restart to apply it`,
      resolves: [stale.note],
    },
    owners,
  };
}

/**
 * A method that a statement's `new` ran (its class's constructor called it), to run again on the
 * instance that `new` made: when one statement alone registered through it, and its class has
 * one instance (a controller); with more, which of them made which entries is not known.
 */
function methodAgain(
  module: HotModule,
  change: SetupChange,
  calling: Map<LiveModule, Set<object>>,
): RouteRebuild | undefined {
  const [owner, statements] = calling.size === 1 ? [...calling][0]! : [];
  const statement = statements?.size === 1 ? [...statements][0]! : undefined;
  const klass = change.method ? module.live?.classes[change.method.classSlot] : undefined;
  if (!owner || !statement || !klass || !change.method || change.method.name.startsWith('#')) return undefined;
  if (!canRunAgain(owner, statement, module.file, change.label)) return undefined;
  let instances: object[];
  try {
    instances = instancesOf(klass);
  } catch {
    return undefined; // no inspector in this Node: a restart applies it, as before
  }
  if (instances.length !== 1) return undefined;
  return {
    trigger: module.file,
    cause: setupChanged(change),
    owners: calling,
    method: { instance: instances[0]!, name: change.method.name, label: change.label },
  };
}

/**
 * The module's exported functions among `names`, as the app may hold them: through its face
 * (trampolines that outlive loads), or as they are (an ES module's own functions, which its
 * importers read from it).
 */
function exportedFunctions(module: HotModule, names: Set<string>): Set<unknown> {
  const functions = new Set<unknown>();
  for (const exports of [module.face, module.current.exports]) {
    if (exports === null || (typeof exports !== 'object' && typeof exports !== 'function')) continue;
    for (const name of names) addIfFunction(functions, () => (exports as Record<string, unknown>)[name]);
  }
  return functions;
}

/** Adds what `read` gives to `found` when it is a function. */
function addIfFunction(found: Set<unknown>, read: () => unknown): void {
  try {
    const value = read();
    if (typeof value === 'function') found.add(value);
  } catch {
    // a binding not yet initialised, or a getter that throws: not a function the app holds
  }
}

function exportsAdded(added: string[]): RebuildCause {
  return {
    again: `the new export${added.length > 1 ? 's' : ''}`,
    failed: (where, why) =>
      `${added.join(', ')}: ${where} built routes from this module's exports at startup, and building them ` +
      `again failed (${why}); restart to add ${added.length > 1 ? 'them' : 'it'}`,
    resolves: [],
  };
}

function setupChanged(change: SetupChange): RebuildCause {
  return {
    again: `what ${change.label} registers now`,
    failed: (where, why) =>
      `${change.label}: ${where} called it at startup, and running that again failed (${why}); restart to apply it`,
    resolves: [change.note, ...(change.alsoResolves ?? [])],
  };
}

/** What rebuilding did, for the report of the load that caused it. */
export interface RebuiltRoutes {
  trigger: string;
  ran: string[];
  notApplied: string[];
  warnings: string[];
  /** Notes of the trigger's report that no longer hold. */
  resolved: string[];
}

/** Puts what rebuilding did into the trigger's report and the load's warnings. */
export function reportRebuilt(
  report: { ran: string[]; notApplied: string[] } | undefined,
  warnings: string[],
  rebuilt: RebuiltRoutes,
): void {
  const untrue = new Set(rebuilt.resolved);
  if (report) {
    report.notApplied = report.notApplied.filter((note) => !untrue.has(note));
    report.ran.push(...rebuilt.ran);
    report.notApplied.push(...rebuilt.notApplied);
  }
  const kept = warnings.filter((warning) => !untrue.has(warning));
  warnings.splice(0, warnings.length, ...kept, ...rebuilt.warnings);
}

/**
 * `rebuilds` without repeats: a module committed twice in one load (run again for two of its
 * exporter's values) finds the same statements of its importers to run again each time.
 */
export function distinctRebuilds(rebuilds: RouteRebuild[]): RouteRebuild[] {
  const seen = new Set<string>();
  // Modules and statements compared by identity, through a number each.
  const ids = new Map<object, number>();
  const idOf = (value: object): number => {
    if (!ids.has(value)) ids.set(value, ids.size);
    return ids.get(value)!;
  };
  return rebuilds.filter((rebuild) => {
    if (rebuild.method || rebuild.plugin || rebuild.controller || rebuild.jobs) return true;
    const owners = [...rebuild.owners].map(([live, statements]) =>
      [idOf(live), ...[...statements].map(idOf)].join(','),
    );
    const key = `${rebuild.cause.again}|${owners.join(';')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export async function rebuildRoutes(
  server: CodeServer,
  rebuilds: RouteRebuild[],
  origin: Origin,
): Promise<RebuiltRoutes[]> {
  const results: RebuiltRoutes[] = [];
  for (const { trigger, cause, owners, method, plugin, controller, jobs } of rebuilds) {
    const result: RebuiltRoutes = { trigger, ran: [], notApplied: [], warnings: [], resolved: [] };
    let failed = method
      ? !runMethod(server, owners, method, cause, result)
      : plugin
        ? !(await runPlugins(plugin, cause, result))
        : controller
          ? !attempt(result, cause, 'NestJS', () => {
              result.ran.push(mappedAgain(controller));
              return true;
            })
          : jobs
            ? !attempt(result, cause, '@nestjs/schedule', () => {
                const { ran, failed: notDone, onlyJobs } = scheduledAgain(jobs);
                if (ran) result.ran.push(ran);
                if (notDone.length > 0) throw new Error(notDone.join('; '));
                // Other decorators of its methods, read at startup by something else, may have changed too.
                return onlyJobs;
              })
            : false;
    for (const [live, statements] of method ? [] : owners) {
      const owner = server.find(live.file);
      if (!owner) continue;
      // Named as the copies' notes name it: two modules of an app may share a file name.
      const where = relative(server.rules.root, owner.file);
      try {
        const valuesBefore = bindingValues(live);
        const prepared = await server.prepare(owner.file, owner.current.code, owner.current.source, origin, {
          rerun: statements,
          // Running the whole module again would start what it started a second time.
          inPlaceOnly: true,
        });
        await server.settle(prepared);
        const committed = server.commit(prepared);
        result.ran.push(...committed.report.ran.map((ran) => `${where} ${ran}, again for ${cause.again}`));
        // A declaration that ran again (a router bound to a name first) gave its binding a new
        // value; of a copy of several exports (`const { schema, describe } = require(…)`), only
        // those whose value differs are new.
        const rebound = committed.report.rebound.filter(
          (name) => !Object.is(valuesBefore.get(name), live.bindings[name]),
        );
        if (rebound.length > 0) result.ran.push(`${where} new value: ${rebound.join(', ')}, again for ${cause.again}`);
        result.warnings.push(...committed.warnings);
        // What that load could not apply (a module that copied the value it gave) waits for a
        // restart as the trigger's own notes do: in its report, so that the restart is offered.
        result.notApplied.push(...committed.report.notApplied);
      } catch (error) {
        failed = true;
        noteFailure(result, cause, where, error);
      }
    }
    if (!failed) result.resolved.push(...cause.resolves);
    results.push(result);
  }
  return results;
}

/** The value of each binding of a module's scope (one not yet made left out). */
function bindingValues(live: LiveModule): Map<string, unknown> {
  const values = new Map<string, unknown>();
  const bindings = live.bindings;
  for (const name of Object.keys(bindings)) {
    try {
      values.set(name, bindings[name]);
    } catch {
      // a `let` its module never reached: no value to compare
    }
  }
  return values;
}

/** A Fastify plugin whose routes changed, to run again where Fastify ran it (see fastify-plugins.ts). */
function pluginAgain(module: HotModule, change: SetupChange): RouteRebuild | undefined {
  if (!change.runsAgainAsPlugin) return undefined;
  const calls = pluginCallsOf(functionsNamed(module, change.label));
  if (calls.length === 0) return undefined;
  return {
    trigger: module.file,
    cause: setupChanged(change),
    owners: new Map(),
    plugin: { calls, label: change.label },
  };
}

/** The module's function `name` as the app may hold it: its export, or its face's, or its binding. */
function functionsNamed(module: HotModule, name: string): Set<unknown> {
  const found = exportedFunctions(module, new Set([name]));
  // `module.exports = async function (fastify) {…}` (labelled so): the export itself, and its face.
  if (typeof module.current.exports === 'function' && name === 'module.exports') {
    found.add(module.current.exports);
    addIfFunction(found, () => module.face);
  }
  addIfFunction(found, () => module.live?.bindings[name]);
  return found;
}

/** Runs a plugin again on each instance it had; false, with the note of why, if it threw. */
async function runPlugins(
  plugin: NonNullable<RouteRebuild['plugin']>,
  cause: RebuildCause,
  result: RebuiltRoutes,
): Promise<boolean> {
  const undo: Array<() => void> = [];
  try {
    // All its instances or none: one that fails undoes those that ran.
    for (const call of plugin.calls) undo.unshift(await runPluginAgain(call));
    const times = plugin.calls.length > 1 ? ` (on each of its ${plugin.calls.length} instances)` : '';
    result.ran.push(`the Fastify plugin ${plugin.label} ran again on its instance${times}, for what it registers now`);
    return true;
  } catch (error) {
    for (const step of undo) step();
    noteFailure(result, cause, 'Fastify', error);
    return false;
  }
}

/** Runs a method again on its instance (see method-rerun.ts); false, with the note of why, if it threw. */
function runMethod(
  server: CodeServer,
  owners: Map<LiveModule, Set<object>>,
  method: NonNullable<RouteRebuild['method']>,
  cause: RebuildCause,
  result: RebuiltRoutes,
): boolean {
  const [module, statements] = [...owners][0]!;
  const statement = [...statements][0]!;
  const scope = server.find(module.file)?.current.live?.scope;
  const where = relative(server.rules.root, module.file);
  const className = method.label.slice(0, method.label.lastIndexOf('.'));
  try {
    if (!scope) throw new Error(`${where} has no running version to attribute it to`);
    runMethodAgain(method.instance, method.name, { module, statement, scope }, result.trigger, method.label);
    result.ran.push(`${method.label} ran again on the app's ${className}, for what it registers now`);
    return true;
  } catch (error) {
    noteFailure(result, cause, where, error);
    return false;
  }
}

/** What `run` gives (whether what caused it no longer needs a restart); false, with the note of why, if it threw. */
function attempt(result: RebuiltRoutes, cause: RebuildCause, where: string, run: () => boolean): boolean {
  try {
    return run();
  } catch (error) {
    noteFailure(result, cause, where, error);
    return false;
  }
}

/** What running `where` again threw, said as not applied (a restart applies it) and warned of. */
function noteFailure(result: RebuiltRoutes, cause: RebuildCause, where: string, error: unknown): void {
  const note = cause.failed(where, errorMessage(error));
  result.notApplied.push(note);
  result.warnings.push(note);
}
