/** What supervisors throw and say: OTP's `{error, Reason}` answers as an Error with its reason. */
import type { Child } from './child-specs';

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

/** A child as a refusal names it: `'id'`, a process id, or a supervisor's name (else its id). */
export function describeRef(ref: string | Child): string {
  if (typeof ref === 'string') return `'${ref}'`;
  return 'definition' in ref ? ref.id : `supervisor ${ref.name ?? ref.id}`;
}
