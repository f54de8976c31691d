/** What supervisors throw and say: OTP's `{error, Reason}` answers as an Error with its reason. */

/** Why a supervisor refused a request (OTP's `{error, Reason}`). */
export class SupervisorError extends Error {
  constructor(
    message: string,
    readonly reason: 'not_found' | 'running' | 'already_present' | 'already_started' | 'simple_one_for_one' | 'start',
  ) {
    super(message);
    this.name = 'SupervisorError';
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
