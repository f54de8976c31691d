/**
 * The modules a loaded file imports whose saved text is not the version their app runs: a save
 * of theirs that was refused (it waits for a migration) or never loaded. The file's new code may
 * use what their saved text adds (a method, an export), which the app does not have: such a load
 * is told with a warning (⚠, and a restart, which runs every file as saved), never refused.
 *
 * The imports are read by an import scanner (ES imports, `require` calls, dynamic imports of a
 * literal): TypeScript's, resolved as a bundler would (`./cache.js` to `cache.ts`), or for
 * JavaScript without TypeScript loaded, acorn's, resolved as Node would. Only the hot modules an
 * agent runs, other than those of the same release, are compared.
 */
import { readFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import type { ModuleInfo } from 'hotpatch-agent/protocol';
import type { AgentClient } from './agent-client';
import { moduleRunsFile } from './targets';
import { javascriptRelativeImports } from './javascript-imports';
import type { StateTypes } from './state-change';

/**
 * The text each module's running version was loaded from, by agent and module: asked once per
 * version (a version's text never changes), only the current one's kept.
 */
export class RunningTexts {
  readonly #texts = new Map<string, { hash: string; text: Promise<string | undefined> }>();

  of(client: AgentClient, module: ModuleInfo): Promise<string | undefined> {
    const key = `${client.info.pid}\0${module.file}`;
    const kept = this.#texts.get(key);
    if (kept?.hash === module.current.hash) return kept.text;
    const text = client.source(module.file).then(
      (result) => result.source,
      () => undefined,
    );
    this.#texts.set(key, { hash: module.current.hash, text });
    return text;
  }
}

/** A file's relative imports, resolved: typescript-imports.ts, or javascript-imports.ts. */
export type ImportScanner = (file: string, text: string) => string[];

/**
 * TypeScript's scanner where the pipeline has TypeScript loaded (its state types), else the
 * JavaScript one: a CLI run that loads JavaScript files never loads TypeScript for this.
 */
export function importScannerFor(stateTypes: StateTypes | undefined): ImportScanner {
  return stateTypes?.relativeImports ?? javascriptRelativeImports;
}

/**
 * A warning for each module `file` imports (`imports`, from an ImportScanner) whose saved text
 * its agent does not run. `modules` are the agent's; `release` the files loaded with this one
 * (what they add arrives with it).
 */
export async function importsNotRunning(
  file: string,
  imports: readonly string[],
  client: AgentClient,
  modules: readonly ModuleInfo[],
  release: ReadonlySet<string>,
  running: RunningTexts,
): Promise<string[]> {
  const warnings = await Promise.all(
    imports.map(async (imported) => {
      if (release.has(imported)) return undefined;
      const module = modules.find((m) => moduleRunsFile(m, imported));
      // A module compiled from several sources has no one text to compare.
      if (!module || module.sources.length > 1) return undefined;
      // The running source is the .ts a source map names (tsc's `dist/x.js` from `src/x.ts`): its
      // saved text is that file's, whether the import names the source or the built file.
      const source = module.sources.length === 1 ? module.sources[0]! : imported;
      const [saved, runs] = await Promise.all([
        readFile(source, 'utf8').catch(() => undefined),
        running.of(client, module),
      ]);
      if (saved === undefined || runs === undefined || saved === runs) return undefined;
      const name = relative(dirname(file), imported);
      return (
        `${name}: its saved text is not the version running (a save of it was not loaded: refused, or waiting ` +
        `for a migration); what this code uses of that text is not there until it is loaded, or the app restarted`
      );
    }),
  );
  return warnings.filter((w) => w !== undefined);
}
