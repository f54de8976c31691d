/**
 * OTP's restart intensity: a supervisor that restarts more than `intensity` times within
 * `period` ms gives up (it stops its children and exits, and its own supervisor sees it).
 */
import type { RestartLimits, RestartStrategy } from './child-specs';

export class RestartIntensity {
  /** When each restart still within the period happened (performance.now()). */
  readonly #restarts: number[] = [];

  /** Counts one restart; false when it is one too many. */
  allow(limits: RestartLimits): boolean {
    const now = performance.now();
    this.#restarts.push(now);
    while (this.#restarts.length > 0 && now - this.#restarts[0]! > limits.period) this.#restarts.shift();
    return this.#restarts.length <= limits.intensity;
  }
}

/** The children a crash of `crashed` restarts, by the strategy: it, all, or it and those after it. */
export function childrenToRestart<T>(strategy: RestartStrategy, children: T[], crashed: T): T[] {
  if (strategy === 'one_for_all') return children;
  if (strategy === 'rest_for_one') return children.slice(children.indexOf(crashed));
  return [crashed]; // one_for_one, simple_one_for_one
}
