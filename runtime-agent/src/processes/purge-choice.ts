/**
 * Purge choices (issue 12), after OTP: what a load or an upgrade does about code still running
 * in processes, instead of the defaults (a load kills what runs the old version it purges; an
 * upgrade waits up to its suspend timeout for running handlers).
 *
 * - A load (`agent/load { purge }`): `brutal` is OTP's code:purge (kill them, the default),
 *   `soft` its soft_purge (refuse at once, naming them), `not_purged` its code:load_file
 *   (refuse while the module has an old version at all: purge it first).
 * - An upgrade (`agent/commit`, `agent/rollback { purge }`): a process whose handler still runs
 *   when the upgrade suspends it runs the code that becomes old, as OTP's release handler sees
 *   it at PrePurge: `soft` refuses the upgrade at once, naming them; `brutal` kills them, and
 *   their supervisors start them again on the new code.
 */
import type { CodeServer } from '../code-server/code-server';
import { SoftPurgeRefusedError } from '../code-server/module-version';
import type { UpgradeError } from '../protocol';
import { describeWork, type ServerProcess } from './server-process';

export type LoadPurge = 'brutal' | 'soft' | 'not_purged';

/** A load refused because the module still has old code (OTP's `{error, not_purged}`). */
export class NotPurgedError extends Error {
  constructor(file: string, vsn: string) {
    super(
      `${file} still has old code (vsn ${vsn}) that is not purged; purge it first ` +
        "(agent/purge or agent/softPurge), or load with purge 'soft' or 'brutal'",
    );
    this.name = 'NotPurgedError';
  }
}

/** Throws when the load's purge choice refuses it; called before it evaluates and again before it commits. */
export function checkOldCode(codeServer: CodeServer, file: string, purge: LoadPurge | undefined): void {
  if (purge === undefined || purge === 'brutal') return;
  const module = codeServer.get(file);
  if (!module.old) return;
  if (purge === 'not_purged') throw new NotPurgedError(file, module.old.info.vsn);
  const blockers = codeServer.runningOld(module);
  if (blockers.length > 0) throw new SoftPurgeRefusedError(file, blockers);
}

/** The processes of an upgrade whose handler is running now. */
export function runningHandlers(processes: ServerProcess[]): ServerProcess[] {
  return processes.filter((p) => p.handlerVersion !== undefined && p.status !== 'dead');
}

/** `soft`: one error per process still in a handler; the upgrade is refused with them, before anything is suspended. */
export function softPurgeErrors(running: ServerProcess[]): UpgradeError[] {
  return running.map((p) => ({
    file: p.definition.file ?? '',
    process: p.id,
    message:
      `still running vsn ${p.handlerVersion?.info.vsn ?? '?'} code (${describeRunning(p)}); ` +
      'the soft purge refuses the upgrade at once instead of waiting for it',
  }));
}

/** `brutal`: kills each process still in a handler; returns a warning for each. */
export function brutalPurge(running: ServerProcess[]): string[] {
  return running.map((p) => {
    const warning = `${p.id} was killed by the brutal purge: it was still running vsn ${p.handlerVersion?.info.vsn ?? '?'} code (${describeRunning(p)})`;
    p.kill('killed');
    return warning;
  });
}

function describeRunning(process: ServerProcess): string {
  return `handling ${describeWork(process.handlerKind)} for ${Math.round(performance.now() - process.handlerSince)} ms`;
}
