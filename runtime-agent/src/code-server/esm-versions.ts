/**
 * Later versions of an ES module. Node cannot evaluate a module twice under one URL without
 * keeping every version, so a later version is never a module: the module's first version was
 * instrumented as the app imported it (see esm-hooks.ts and live/), and each later version is
 * evaluated as a patch against it, as a CommonJS module's is. What ES modules add:
 *
 * - imports the new version adds are imported first, from the module's own place (its
 *   `import()`), and bound live; one of a hot ES module reads that module's stable face,
 *   which has the exports its later versions added (its namespace never changes);
 * - the patch runs as an async function, so a new top-level statement may `await`;
 * - the version's exports are read through the module's bindings, so the stable face (and
 *   the facade's `export let` bindings) follow rebound values and gain new exports.
 */
import { fileURLToPath } from 'node:url';
import { LoadFailure, describeLoadError, evaluateVersion, type Evaluated } from './evaluate';
import { inSentCode, type LiveCode, type LiveModule, type LiveVersion } from './live';
import { ParseFailure, type ProgramModel } from './live/program';
import type { HotModule, PreparedVersion } from './module-version';
import { errorMessage } from '../error-message';

/** How long a new version's top level may await before the load is refused. */
export const TOP_LEVEL_AWAIT_LIMIT_MS = 10_000;

/** An ES module's next version: always a patch of the running one. Throws LoadFailure. */
export async function evaluateEsmVersion(
  liveCode: LiveCode,
  module: HotModule,
  code: string,
  hotModule: (file: string) => HotModule | undefined,
  { rerun, releasedWith }: { rerun?: ReadonlySet<object>; releasedWith?: ReadonlyMap<string, PreparedVersion> } = {},
): Promise<Evaluated & { live: LiveVersion }> {
  const file = module.file;
  const current = module.current;
  const live = module.live;
  if (!live?.esm?.namespace || !current.live) {
    const why = liveCode.problems.splice(0).join('; ') || 'its code could not be read when the app imported it';
    throw new LoadFailure({
      kind: 'evaluation',
      file,
      message: `this ES module cannot take a new version in place (${why}); restart the app to load it`,
    });
  }
  let patch: ReturnType<LiveCode['patch']>;
  try {
    patch = liveCode.patch(live, current.live, code, rerun);
  } catch (error) {
    if (!(error instanceof ParseFailure)) throw error;
    const at = error.position;
    throw new LoadFailure({
      kind: 'syntax',
      file,
      message: error.message.replace(/ \(\d+:\d+\)$/, ''),
      ...(at ? { line: at.line, column: at.column + 1 } : {}),
    });
  }
  if (!patch) {
    const why = liveCode.problems.splice(0).join('; ');
    throw new LoadFailure({
      kind: 'evaluation',
      file,
      message: `its new code could not be read for a load in place: ${why}`,
    });
  }
  const version = patch.version;
  let evaluated: Evaluated | undefined;
  const undo = (): void => {
    // What a top level that failed after an await started: its timers, its registrations.
    evaluated?.timers.clear();
    liveCode.forget(live, version, current.live!);
  };
  try {
    await importAdded(live, version, patch.imports, hotModule, releasedWith);
    evaluated = liveCode.evaluating(file, version.scope, () => evaluateVersion(file, patch.code, {}));
    await awaitTopLevel(file, version);
    evaluated.servers = new Map([...current.servers, ...evaluated.servers]);
    evaluated.exports = versionExports(version.digest.exports, version, live.esm.namespace);
    return { ...evaluated, live: version };
  } catch (error) {
    undo();
    throw error instanceof LoadFailure ? inSentCode(error, patch, code) : error;
  }
}

/** Imports the modules of the imports a version adds; their namespaces go to the version's scope. */
export async function importAdded(
  live: LiveModule,
  version: LiveVersion,
  imports: Array<{ index: number; specifier: string; line: number }>,
  hotModule: (file: string) => HotModule | undefined,
  releasedWith?: ReadonlyMap<string, PreparedVersion>,
): Promise<void> {
  const access = live.esm;
  if (!access) return;
  for (const { index, specifier, line } of imports) {
    let namespace: unknown;
    try {
      namespace = await access.importer(specifier);
    } catch (error) {
      const why = errorMessage(error);
      throw new LoadFailure({
        kind: 'evaluation',
        file: live.file,
        line,
        message: `import of '${specifier}' failed: ${why}`,
      });
    }
    const target = hotTarget(access.meta, specifier, hotModule);
    version.scope.imported.set(index, (target?.face as object | undefined) ?? (namespace as object));
    // A version of it in the same release: its new exports reach the face when both commit.
    const withRelease = target && releasedWith?.get(target.file)?.version.exports;
    if (withRelease) version.scope.importedWithRelease.set(index, new Set(Object.keys(withRelease)));
  }
}

/** The hot ES module `specifier` names from `meta`'s module, if it is one. */
function hotTarget(
  meta: { resolve?: (specifier: string) => string },
  specifier: string,
  hotModule: (file: string) => HotModule | undefined,
): HotModule | undefined {
  try {
    const url = meta.resolve?.(specifier);
    if (!url?.startsWith('file:')) return undefined;
    const module = hotModule(fileURLToPath(url));
    return module?.format === 'esm' ? module : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Waits for the version's top level (an async function), bounded: a rejection or a wait past
 * the limit refuses the load with the place it failed (in the evaluated code: the caller
 * takes it back to the code sent).
 */
export async function awaitTopLevel(
  file: string,
  version: LiveVersion,
  limitMs = TOP_LEVEL_AWAIT_LIMIT_MS,
): Promise<void> {
  const evaluation = version.scope.evaluation;
  if (!evaluation) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), limitMs);
  });
  try {
    const outcome = await Promise.race([evaluation.then(() => 'done' as const), timeout]);
    if (outcome === 'timeout') {
      throw new LoadFailure({
        kind: 'evaluation',
        file,
        message: `its top level was still awaiting after ${limitMs} ms; the version was not loaded`,
      });
    }
  } catch (error) {
    if (error instanceof LoadFailure) throw error;
    throw new LoadFailure(describeLoadError(file, error));
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The exports of an ES module's later version: each name read from the module binding it
 * exports (the staged one until commit), or from the first version's namespace for what no
 * binding holds (a default expression, a re-export).
 */
export function versionExports(
  exports: ProgramModel['exports'],
  version: LiveVersion,
  namespace: Record<string, unknown>,
): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [name, local] of exports) {
    if (name === '*') continue;
    const get = local === undefined ? () => namespace[name] : () => version.scope.s[local];
    Object.defineProperty(object, name, { get, enumerable: true });
  }
  // Names re-exported with `export *` are in the namespace only.
  for (const name of exports.has('*') ? Object.keys(namespace) : []) {
    if (!exports.has(name)) Object.defineProperty(object, name, { get: () => namespace[name], enumerable: true });
  }
  return object;
}
