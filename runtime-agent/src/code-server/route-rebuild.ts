/**
 * Routes an app built at startup were registered once:
 * - from a module's exports, as MVC boot files do
 *   (`for (const [name, action] of Object.entries(require('./controllers/users'))) app.get(…)`):
 *   a load that adds an export would leave it without a route;
 * - by a router factory the app called at startup (`app.use('/users', makeUserRoutes())`): a
 *   load that adds a route to the factory would wait for a call that never comes.
 * So after the commit, the statements that registered them run again, as if they had changed:
 * the routes they registered are taken back and registered anew where the statement stands,
 * the new ones among them (a load in place of what used to need a restart).
 *
 * A rebuild is a load of the statement's module with its own code, that statement forced to
 * run again; if it fails, nothing of it stays and the report says what a restart applies.
 */
import { basename } from 'node:path';
import type { Origin } from '../protocol';
import type { CodeServer } from './code-server';
import type { LiveModule } from './live';
import { pluginCallsOf, runPluginAgain, type PluginCall } from './live/fastify-plugins';
import { instancesOf } from './live/instances';
import { canRunAgain, runMethodAgain } from './live/method-rerun';
import type { SetupChange } from './live/patch';
import { readProgram, type ProgramModel } from './live/program';
import type { AnyNode } from './live/walk';
import { statementsCalling, statementsRegistering } from './live/registrations';
import type { HotModule } from './module-version';

/** Found by a commit of `trigger`: `owners`' statements registered routes that `cause` changes. */
export interface RouteRebuild {
  trigger: string;
  cause: RebuildCause;
  owners: Map<LiveModule, Set<object>>;
  /** Instead of running the statement again: a method it ran, run again on the instance it made (see method-rerun.ts). */
  method?: { instance: object; name: string; label: string };
  /** Instead: a Fastify plugin, run again on the instance each of its calls had (see fastify-plugins.ts). */
  plugin?: { calls: PluginCall[]; label: string };
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
  return rebuilds;
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

/**
 * Of the statements that called a router factory, those that can run again (`found`, narrowed
 * in place): a call and nothing else (`app.use('/users', makeUserRoutes())`), or a declaration
 * of the router whose every top-level reader is such a call (`const stats = makeStatsRouter();
 * app.use(stats.routes());`): they run again together, the new router mounted where the old one
 * was. Any other declaration, an assignment or an export (`module.exports = makeUserRoutes();`)
 * would make a new router that what mounted the old one never sees, while the old one lost its
 * routes.
 */
function onlyCalls(
  found: Map<LiveModule, Set<object>>,
  modules: Map<string, HotModule>,
  factory?: string,
): Map<LiveModule, Set<object>> {
  for (const [owner, statements] of found) {
    const module = modules.get(owner.file);
    const version = module?.current.live;
    for (const statement of [...statements]) {
      const index = version ? version.scope.statementIds.indexOf(statement) : -1;
      const digest = index >= 0 ? version!.digest.statements[index] : undefined;
      if (digest?.callOnly) continue;
      statements.delete(statement);
      const readers =
        factory && digest && digest.declares.length === 1
          ? callsReading(module!, digest.declares[0]!, factory)
          : undefined;
      if (readers) for (const id of [statement, ...readers]) statements.add(id);
    }
    if (statements.size === 0) found.delete(owner);
  }
  return found;
}

/**
 * The statements of `module`'s running version that mount the router its declaration of `name`
 * made by calling `factory` (`const stats = makeStatsRouter(store)`): each top-level read of
 * `name` must be in the arguments of a call that is all its statement (`app.use(stats.routes())`).
 * Undefined otherwise: a declaration that made more than the router (`const app = new App()`,
 * whose constructor called the factory), or a read that is not a mount (`app.listen()`) would
 * run again with it and make the app's other state anew. Read from the version's code (the
 * digest keeps no references), only when a rebuild asks.
 */
function callsReading(module: HotModule, name: string, factory: string): object[] | undefined {
  const version = module.current.live;
  if (!version) return undefined;
  let model: ProgramModel;
  try {
    model = readProgram(module.current.code, undefined, module.format);
  } catch {
    return undefined;
  }
  const statementAt = (at: number): number =>
    model.statements.findIndex((s) => (s.outer ?? s.node).start <= at && at < (s.outer ?? s.node).end);
  const variable = model.moduleScope.variables.find((v) => v.name === name);
  const declarator = variable?.defs[0]?.node as AnyNode | undefined;
  if (!declarator || !callsFactory(declarator.init as AnyNode | null, factory)) return undefined;
  const indexes = new Set<number>();
  for (const reference of variable!.references) {
    if (!reference.isRead() || reference.from.variableScope.block !== model.moduleScope.block) continue;
    const at = (reference.identifier as { start: number }).start;
    const index = statementAt(at);
    const statement = model.statements[index]?.node;
    if (!version.digest.statements[index]?.callOnly || !inArguments(statement, at)) return undefined;
    indexes.add(index);
  }
  if (indexes.size === 0) return undefined;
  return [...indexes].map((index) => version.scope.statementIds[index]!);
}

/** `factory(…)`, or a compiler's `(0, routes_1.factory)(…)`: a call of the factory, nothing around it. */
function callsFactory(init: AnyNode | null, factory: string): boolean {
  let callee = init?.type === 'CallExpression' ? (init.callee as AnyNode) : undefined;
  if (callee?.type === 'SequenceExpression') callee = (callee.expressions as AnyNode[]).at(-1);
  if (callee?.type === 'MemberExpression' && !callee.computed) callee = callee.property as AnyNode;
  return callee?.type === 'Identifier' && callee.name === factory;
}

/** Whether position `at` is inside the arguments of the call that `statement` is. */
function inArguments(statement: AnyNode | undefined, at: number): boolean {
  const call = statement?.type === 'ExpressionStatement' ? (statement.expression as AnyNode) : undefined;
  if (call?.type !== 'CallExpression') return false;
  return (call.arguments as AnyNode[]).some((argument) => argument.start <= at && at < argument.end);
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

export async function rebuildRoutes(
  server: CodeServer,
  rebuilds: RouteRebuild[],
  origin: Origin,
): Promise<RebuiltRoutes[]> {
  const results: RebuiltRoutes[] = [];
  for (const { trigger, cause, owners, method, plugin } of rebuilds) {
    const result: RebuiltRoutes = { trigger, ran: [], notApplied: [], warnings: [], resolved: [] };
    let failed = method
      ? !runMethod(server, owners, method, cause, result)
      : plugin
        ? !(await runPlugins(plugin, cause, result))
        : false;
    for (const [live, statements] of method ? [] : owners) {
      const owner = server.find(live.file);
      if (!owner) continue;
      const where = basename(owner.file);
      try {
        const prepared = await server.prepare(owner.file, owner.current.code, owner.current.source, origin, {
          rerun: statements,
          // Running the whole module again would start what it started a second time.
          inPlaceOnly: true,
        });
        await server.settle(prepared);
        const committed = server.commit(prepared);
        result.ran.push(...committed.report.ran.map((ran) => `${where} ${ran}, again for ${cause.again}`));
        // A declaration that ran again (a router bound to a name first) gave its binding a new value.
        const rebound = committed.report.rebound;
        if (rebound.length > 0) result.ran.push(`${where} new value: ${rebound.join(', ')}, again for ${cause.again}`);
        result.warnings.push(...committed.warnings);
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
  const where = basename(module.file);
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

/** What running `where` again threw, said as not applied (a restart applies it) and warned of. */
function noteFailure(result: RebuiltRoutes, cause: RebuildCause, where: string, error: unknown): void {
  const note = cause.failed(where, error instanceof Error ? error.message : String(error));
  result.notApplied.push(note);
  result.warnings.push(note);
}
