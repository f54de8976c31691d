/** How an upgrade fails, as the release handler reports it (see release-handler.ts). */
import { LoadFailure } from '../code-server/evaluate';
import type { UpgradeError, UpgradeErrorData } from '../protocol';
import { errorMessage } from '../error-message';

/** The upgrade aborted; nothing changed. */
export class UpgradeFailure extends Error {
  constructor(readonly data: UpgradeErrorData) {
    super(
      `upgrade aborted (${data.stage}), nothing changed: ` +
        data.errors.map((e) => `${e.process ? `${e.process}: ` : ''}${e.message}`).join('; '),
    );
    this.name = 'UpgradeFailure';
  }
}

export class UnknownPlanError extends Error {
  constructor(id: string) {
    super(`no prepared plan '${id}': it was committed, aborted, or expired`);
    this.name = 'UnknownPlanError';
  }
}

/** A module's failure to prepare, located at the line of its code when its top level failed. */
export function toUpgradeError(file: string, error: unknown): UpgradeError {
  if (error instanceof LoadFailure) {
    return { file, message: error.message, line: error.data.line, column: error.data.column };
  }
  return { file, message: errorMessage(error) };
}
