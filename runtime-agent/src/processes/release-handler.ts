/**
 * Upgrades as transactions, in the order of OTP's release handler: prepare (evaluate the new
 * versions in isolation, dry-run every codeChange on copies of the live states), then commit
 * (suspend the processes, migrate the live states, and only when all succeeded pass the point
 * of no return: swap code and states, resume). Any failure before that point resumes every
 * process on its old code and old state. Several modules go in one transaction, all or none.
 *
 * Work over many processes runs in chunks, yielding to the event loop between them, so an
 * upgrade of 100,000 processes never blocks the app for long.
 */
import { RunsAppCodeError } from '../code-server/live/runs-nothing';
import { crypto } from '../builtins';
import type { CodeServer } from '../code-server/code-server';
import type { PreparedVersion } from '../code-server/module-version';
import { DEFAULT_CODE_CHANGE_BUDGET_MS } from '../code-server/budget';
import type {
  CommitResult,
  LoadReport,
  Origin,
  StateShape,
  UpgradeError,
  UpgradeErrorData,
  UpgradePlan,
  UpgradePurge,
} from '../protocol';
import { chunked, migrating } from './chunked';
import { EarlyAborts } from './early-aborts';
import { stageDown, stageUp, type Stage } from './stages';
import { exposeNewExports } from '../code-server/release-exports';
import { holderStages, migrateHolders, writeHolders, type HolderResult, type HolderStage } from './holder-migration';
import type { ProcessTable } from './process-table';
import { brutalPurge, runningHandlers, softPurgeErrors } from './purge-choice';
import { preview } from './render-state';
import { describeWork, type ServerProcess } from './server-process';
import { UnknownPlanError, UpgradeFailure, toUpgradeError } from './upgrade-errors';
import { reportRebuilt } from '../code-server/route-rebuild';

export { UnknownPlanError, UpgradeFailure } from './upgrade-errors';

export interface ReleaseHandlerOptions {
  /** Prepared plans are dropped after this long. Default 60 s. */
  planTtlMs?: number;
  /** Processes handled per event-loop turn. Default 2,000. */
  chunkSize?: number;
  /** Each codeChange's time budget in ms, in the dry run and at commit (see budget.ts); 0: none. Default 1,000. */
  codeChangeBudgetMs?: number;
}

interface StagedPlan {
  id: string;
  stages: Stage[];
  timer: NodeJS.Timeout;
}

export interface PrepareOptions {
  extra?: unknown;
  shapes?: Record<string, StateShape>;
  /** By module file, then holder (`module`, `class:<Name>`): see holder-migration.ts. */
  holderShapes?: Record<string, Record<string, StateShape>>;
  previews?: number;
  restart?: boolean;
  /** The plan's id, when the client chose it (protocol.ts PrepareParams). */
  plan?: string | undefined;
  /** Fail a module whose code cannot take a version in place instead of evaluating it whole. */
  inPlaceOnly?: boolean;
  /** Prepared ahead of its save (protocol.ts PrepareParams): refused where any of the app's code would run. */
  ahead?: boolean;
}

export interface UpgradeModuleInput {
  file: string;
  code: string;
  source?: string | undefined;
  origin: Origin;
}

export class ReleaseHandler {
  readonly #plans = new Map<string, StagedPlan>();
  readonly #planTtlMs: number;
  readonly #chunkSize: number;
  readonly #budgetMs: number;
  readonly #earlyAborts: EarlyAborts;

  constructor(
    readonly codeServer: CodeServer,
    readonly table: ProcessTable,
    options: ReleaseHandlerOptions = {},
  ) {
    this.#planTtlMs = options.planTtlMs ?? 60_000;
    this.#chunkSize = options.chunkSize ?? 2000;
    this.#budgetMs = options.codeChangeBudgetMs ?? DEFAULT_CODE_CHANGE_BUDGET_MS;
    this.#earlyAborts = new EarlyAborts(this.#planTtlMs);
  }

  /** Stages an upgrade and reports what it would do. Nothing in the app changes. */
  async prepare(modules: UpgradeModuleInput[], options: PrepareOptions = {}): Promise<UpgradePlan> {
    const started = performance.now();
    const id = options.plan ?? crypto().randomUUID();
    if (this.#plans.has(id)) throw new Error(`plan id '${id}' is in use by a prepared plan`);
    const errors: UpgradeError[] = [];
    const stages: Stage[] = [];
    const releasedWith = new Map<string, PreparedVersion>();
    const readAheadBefore = this.codeServer.readAheadTaken;
    const patchedAheadBefore = this.codeServer.patchedAheadTaken;
    // What each module adds, for the modules after it in the release (release-exports.ts).
    const takeOff: Array<() => void> = [];
    try {
      for (const input of modules) {
        try {
          const prepared = await this.codeServer.prepare(input.file, input.code, input.source, input.origin, {
            inPlaceOnly: options.inPlaceOnly,
            releasedWith,
            ahead: options.ahead,
          });
          releasedWith.set(input.file, prepared);
          if (modules.length > 1) takeOff.push(exposeNewExports(prepared.module.face, prepared.version.exports));
          await this.codeServer.settle(prepared);
          const stage = stageUp(prepared, options.extra, options.shapes?.[input.file], this.#budgetMs);
          if (!options.restart) stage.holders = holderStages(prepared, options.holderShapes?.[input.file]);
          stages.push(options.restart ? { ...stage, restart: true, hasMigration: false, shape: undefined } : stage);
          // Pushed first: a plan that is not ok discards its stages.
          if (options.ahead && (stage.hasMigration || stage.holders.length > 0))
            throw new RunsAppCodeError(input.file, 'its dry run would run a codeChange');
        } catch (error) {
          errors.push(toUpgradeError(input.file, error));
        }
      }
    } finally {
      for (const undo of takeOff) undo();
    }
    const previews: UpgradePlan['previews'] = [];
    // One pass over the table per module, shared by the dry run and the plan's counts.
    const live = new Map(stages.map((s) => [s.module.file, this.#initialized(s.module.file)]));
    const holderCounts = new Map<HolderStage, number>();
    if (errors.length === 0) {
      await this.#dryRun(stages, live, errors, previews, options.previews ?? 20, holderCounts);
    }
    // The client stopped waiting and aborted it meanwhile (agent/abort with the id it chose).
    if (this.#earlyAborts.take(id)) {
      errors.push({ file: modules[0]!.file, message: 'aborted by the client while it was being prepared' });
    }
    const expiresAt = new Date(Date.now() + this.#planTtlMs).toISOString();
    const plan: UpgradePlan = {
      id,
      ok: errors.length === 0,
      modules: stages.map((s) => ({
        file: s.module.file,
        fromVsn: s.base.info.vsn,
        toVsn: s.prepared.version.info.vsn,
        processes: live.get(s.module.file)!.length,
        migration: s.hasMigration || s.holders.length > 0,
        ...(s.holders.length > 0
          ? { holders: s.holders.map((h) => ({ key: h.key, instances: holderCounts.get(h) ?? 0, migration: true })) }
          : {}),
      })),
      errors,
      previews,
      expiresAt,
      timings: {
        prepareMs: performance.now() - started,
        readAhead: this.codeServer.readAheadTaken - readAheadBefore,
        patchedAhead: this.codeServer.patchedAheadTaken - patchedAheadBefore,
      },
    };
    if (plan.ok) {
      const timer = setTimeout(() => this.abort(id), this.#planTtlMs);
      timer.unref();
      this.#plans.set(id, { id, stages, timer });
    } else {
      for (const stage of stages) this.codeServer.discard(stage.prepared);
    }
    return plan;
  }

  /** Drops a prepared plan. False when there was none (one being prepared is dropped when it is). */
  abort(id: string): boolean {
    const plan = this.#plans.get(id);
    if (!plan) {
      this.#earlyAborts.add(id);
      return false;
    }
    this.#plans.delete(id);
    clearTimeout(plan.timer);
    for (const stage of plan.stages) this.codeServer.discard(stage.prepared);
    return true;
  }

  /** Carries out a prepared plan; throws UpgradeFailure (nothing changed) or UnknownPlanError. */
  async commit(id: string, suspendTimeoutMs: number, purge?: UpgradePurge): Promise<CommitResult> {
    const plan = this.#plans.get(id);
    if (!plan) throw new UnknownPlanError(id);
    this.#plans.delete(id);
    clearTimeout(plan.timer);
    return this.#run(plan.stages, suspendTimeoutMs, purge);
  }

  /** Makes each module's old version current again, converting states with `codeChange({ down })`. */
  async rollback(
    files: string[],
    extra: unknown,
    suspendTimeoutMs: number,
    purge?: UpgradePurge,
  ): Promise<CommitResult> {
    const stages: Stage[] = [];
    const errors: UpgradeError[] = [];
    for (const file of files) {
      try {
        const prepared = await this.codeServer.prepareRollback(file);
        await this.codeServer.settle(prepared);
        stages.push(stageDown(prepared, extra, this.#budgetMs));
      } catch (error) {
        errors.push(toUpgradeError(file, error));
      }
    }
    const live = new Map(stages.map((s) => [s.module.file, this.#initialized(s.module.file)]));
    if (errors.length === 0) await this.#dryRun(stages, live, errors, [], 0);
    if (errors.length > 0) {
      for (const stage of stages) this.codeServer.discard(stage.prepared);
      throw new UpgradeFailure({ stage: 'prepare', errors });
    }
    return this.#run(stages, suspendTimeoutMs, purge);
  }

  /** Processes of `file` that have a state to migrate (init done). */
  #initialized(file: string): ServerProcess[] {
    return this.table.list(file).filter((p) => p.initialized && p.status !== 'dead');
  }

  /** Runs every migration on structured clones of the live states; the app sees nothing. */
  async #dryRun(
    stages: Stage[],
    live: Map<string, ServerProcess[]>,
    errors: UpgradeError[],
    previews: UpgradePlan['previews'],
    previewCount: number,
    holderCounts = new Map<HolderStage, number>(),
  ): Promise<void> {
    for (const stage of stages) {
      if (stage.restart) continue;
      for (const holder of stage.holders) {
        const { count } = await migrateHolders(holder, stage.extra, this.#chunkSize, this.#budgetMs, errors, {
          list: previews,
          max: previewCount,
        });
        holderCounts.set(holder, count);
      }
      await migrating(
        this.#chunkSize,
        this.#budgetMs,
        stage,
        'a dry run',
        live.get(stage.module.file)!,
        errors,
        (p, state) => {
          // The live state is as it was: codeChange ran on a copy.
          if (previews.length < previewCount) previews.push(preview(p.id, stage.module.file, p.state, state));
        },
      );
    }
  }

  async #run(stages: Stage[], suspendTimeoutMs: number, purge: UpgradePurge | undefined): Promise<CommitResult> {
    const started = performance.now();
    let longestBlockMs = 0;
    const files = stages.map((s) => s.module.file);
    const busy = files.filter((f) => this.table.upgrading.has(f));
    const stale = stages.filter((s) => s.module.current !== s.base);
    if (busy.length > 0 || stale.length > 0) {
      for (const stage of stages) this.codeServer.discard(stage.prepared);
      throw new UpgradeFailure({
        stage: 'prepare',
        errors: [
          ...busy.map((file) => ({ file, message: 'another upgrade of this module is in progress' })),
          ...stale.map((s) => ({
            file: s.module.file,
            message: 'the module was loaded again since the plan was prepared',
          })),
        ],
      });
    }
    for (const file of files) this.table.upgrading.add(file);
    const processes = stages.map((stage) => ({ stage, list: this.table.list(stage.module.file) }));
    // (Not flatMap: V8's flatMap copies element by element, ≈10 ms in one turn for 100,000.)
    const everyone = ([] as ServerProcess[]).concat(...processes.map((p) => p.list));
    // Processes spawned during the upgrade start suspended (ProcessTable.spawn): noted here so
    // the end of a commit resumes them without walking the whole table in one turn.
    const spawned: ServerProcess[] = [];
    const onStarted = (process: ServerProcess): void => {
      if (process.definition.file !== undefined && files.includes(process.definition.file)) spawned.push(process);
    };
    this.table.on('started', onStarted);
    const finish = (): void => {
      this.table.off('started', onStarted);
      for (const file of files) this.table.upgrading.delete(file);
      for (const file of files) for (const process of this.table.list(file)) process.resume();
    };
    const abort = (data: UpgradeErrorData): never => {
      for (const stage of stages) this.codeServer.discard(stage.prepared);
      finish();
      throw new UpgradeFailure(data);
    };

    // A purge choice: refuse at once, or kill, rather than wait for running handlers (purge-choice.ts).
    if (purge === 'soft') {
      const running = runningHandlers(everyone);
      if (running.length > 0) abort({ stage: 'suspend', errors: softPurgeErrors(running) });
    }
    const purged = purge === 'brutal' ? brutalPurge(runningHandlers(everyone)) : [];

    // 1. Suspend: running handlers finish, new messages queue.
    // Only busy processes have a handler to wait for: a Promise.all over one already-settled
    // promise per process blocked the loop ≈20 ms at 100,000 (its reactions run in one turn).
    const idle: Promise<void>[] = [];
    longestBlockMs = Math.max(
      longestBlockMs,
      await chunked(this.#chunkSize, everyone, (p) => {
        const settled = p.suspend();
        if (p.busy) idle.push(settled);
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      Promise.all(idle).then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), suspendTimeoutMs))),
    ]);
    clearTimeout(timer);
    const suspendMs = performance.now() - started;
    if (timedOut) {
      abort({
        stage: 'suspend',
        errors: everyone
          .filter((p) => p.busy)
          .map((p) => ({
            file: p.definition.file ?? '',
            process: p.id,
            message:
              `still handling ${describeWork(p.handlerKind)} after ${suspendTimeoutMs} ms ` +
              `(started in vsn ${p.handlerVersion?.info.vsn ?? '?'}); suspend timed out`,
          })),
      });
    }

    // 2. Migrate the live states; nothing is visible until all succeeded.
    const migrateStarted = performance.now();
    const next = new Map<ServerProcess, unknown>();
    const errors: UpgradeError[] = [];
    for (const { stage, list } of processes) {
      if (stage.restart) continue;
      const live = list.filter((p) => p.initialized && p.status !== 'dead');
      // On a copy too: a codeChange that writes to its input and then throws (or whose
      // neighbour's throws) must leave the live state as it was, since nothing is installed.
      const block = await migrating(this.#chunkSize, this.#budgetMs, stage, 'the migration', live, errors, (p, state) =>
        next.set(p, state),
      );
      longestBlockMs = Math.max(longestBlockMs, block);
    }
    // The module variables and class instances, on copies too, found anew (instances made since the dry run included).
    const holderResults: HolderResult[] = [];
    for (const stage of stages) {
      for (const holder of stage.holders) {
        const migrated = await migrateHolders(holder, stage.extra, this.#chunkSize, this.#budgetMs, errors);
        holderResults.push(...migrated.results);
        longestBlockMs = Math.max(longestBlockMs, migrated.longestBlockMs);
      }
    }
    if (errors.length > 0) abort({ stage: 'migrate', errors });
    const migrateMs = performance.now() - migrateStarted;

    // 3. Point of no return: swap the code, then install the states and resume, in chunks too.
    // This was one synchronous step, and at 100,000 processes it was the longest block of the
    // whole upgrade (≈35–110 ms, test/bench/upgrade.ts), the very pause the chunking avoids.
    // Chunked, it is still atomic for each process: every process of the plan stays suspended
    // (and any spawned meanwhile starts suspended) until its state and version are installed,
    // so none handles a message with new code and old state. (As in OTP, a process killed in
    // this window has its terminate run by the new code on its unconverted state.)
    const swapStarted = performance.now();
    const warnings: string[] = [...purged];
    const reports: LoadReport[] = [];
    const moduleWarnings: string[][] = [];
    const modules = stages.map((stage) => {
      const committed = this.codeServer.commit(stage.prepared);
      warnings.push(...committed.warnings);
      moduleWarnings.push([...committed.warnings]);
      reports.push(committed.report);
      return committed.module;
    });
    // The new code is in place: the variables and fields it converted are written, in the same turn.
    writeHolders(holderResults);
    longestBlockMs = Math.max(longestBlockMs, performance.now() - swapStarted);
    for (const { stage, list } of processes) {
      const block = await chunked(this.#chunkSize, list, (process) => {
        // Restarted processes die still suspended: their supervisors start them on the new code.
        if (stage.restart) process.kill('killed', { restart: true });
        else if (next.has(process)) process.state = next.get(process);
        process.boundVersion = stage.prepared.version;
      });
      longestBlockMs = Math.max(longestBlockMs, block);
    }
    // 4. Resume in chunks, the files still marked as upgrading (so no other upgrade can suspend
    // these processes meanwhile); then, in one step, clear the mark and resume the processes
    // spawned during the upgrade (supervisor restarts among them).
    longestBlockMs = Math.max(longestBlockMs, await chunked(this.#chunkSize, everyone, (p) => p.resume()));
    const resumeStarted = performance.now();
    this.table.off('started', onStarted);
    for (const file of files) this.table.upgrading.delete(file);
    for (const process of spawned) process.resume();
    longestBlockMs = Math.max(longestBlockMs, performance.now() - resumeStarted);
    const origin = stages[0]?.prepared.version.info.origin ?? 'protocol';
    for (const rebuilt of await this.codeServer.rebuildRoutes(origin)) {
      const trigger = reports.findIndex((r) => r.file === rebuilt.trigger);
      reportRebuilt(reports[trigger], warnings, rebuilt);
      // The same, module by module: what it made untrue goes, what it warns of is its trigger's.
      moduleWarnings.forEach((own, index) =>
        reportRebuilt(undefined, own, index === trigger ? rebuilt : { ...rebuilt, warnings: [] }),
      );
    }
    return {
      modules,
      reports,
      moduleWarnings,
      processes: next.size + processes.filter((p) => p.stage.restart).reduce((n, p) => n + p.list.length, 0),
      timings: { suspendMs, migrateMs, totalMs: performance.now() - started, longestBlockMs },
      warnings,
    };
  }
}
