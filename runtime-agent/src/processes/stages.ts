/**
 * The stages of an upgrade or a rollback, one per module: what the release handler needs to
 * migrate the module's processes (see release-handler.ts) and its variables and class
 * instances (holder-migration.ts).
 */
import type { HotModule, ModuleVersion, PreparedVersion } from '../code-server/module-version';
import type { VersionScope } from '../code-server/live/live-module';
import type { StateShape } from '../protocol';
import type { HolderStage } from './holder-migration';
import { runCodeChange } from './migration';
import type { ServerProcess } from './server-process';

/** One module of a staged upgrade. */
export interface Stage {
  module: HotModule;
  prepared: PreparedVersion;
  /** The version current when staged: the plan is stale if another load replaced it. */
  base: ModuleVersion;
  /**
   * Computes a process's new state: its live state when no codeChange runs, else what
   * codeChange returns for `copy()`, a copy of the live state (see migration.ts).
   */
  migrate(process: ServerProcess, copy: () => unknown): unknown;
  /** An upgrade's new version: its codeChanges call its functions as they will be once committed (as-committed.ts). */
  version?: VersionScope;
  hasMigration: boolean;
  shape: StateShape | undefined;
  /** Restart the processes on the new code instead of migrating their states. */
  restart: boolean;
  /** The module's variables and class instances whose new code converts them (holder-migration.ts). */
  holders: HolderStage[];
  /** Passed to every codeChange. */
  extra: unknown;
}

/** An upgrade's stage: servers' states go through the new version's codeChange. */
export function stageUp(
  prepared: PreparedVersion,
  extra: unknown,
  shape: StateShape | undefined,
  budgetMs: number,
): Stage {
  const { module, version } = prepared;
  const base = module.current;
  const hasMigration = [...version.servers.values()].some((d) => typeof d.spec.codeChange === 'function');
  return {
    module,
    prepared,
    base,
    hasMigration,
    shape,
    restart: false,
    holders: [],
    extra,
    version: version.live?.scope,
    migrate: (process, copy) => {
      const next = version.servers.get(process.definition.key)?.spec;
      if (!next) {
        throw new Error(`the new version no longer defines server '${process.definition.key}'`);
      }
      const from = process.boundVersion?.info.vsn ?? base.info.vsn;
      return runCodeChange(next, from, process.state, copy, extra, budgetMs);
    },
  };
}

/** A rollback's stage: the current (newer) code converts the states down, as in OTP. */
export function stageDown(prepared: PreparedVersion, extra: unknown, budgetMs: number): Stage {
  const { module, version } = prepared;
  const base = module.current;
  return {
    module,
    prepared,
    base,
    hasMigration: [...base.servers.values()].some((d) => typeof d.spec.codeChange === 'function'),
    shape: undefined,
    restart: false,
    holders: [],
    extra,
    migrate: (process, copy) => {
      if (!version.servers.has(process.definition.key)) {
        throw new Error(`vsn ${version.info.vsn} does not define server '${process.definition.key}'`);
      }
      // The newer code knows both state formats, so it converts down (as in OTP).
      const current = base.servers.get(process.definition.key)?.spec;
      return current
        ? runCodeChange(current, { down: version.info.vsn }, process.state, copy, extra, budgetMs)
        : process.state;
    },
  };
}
