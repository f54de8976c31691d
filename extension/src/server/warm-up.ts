/**
 * What the first save would start cold happens once, when the first agent connects: esbuild's
 * service, and the state-type analysis (TypeScript's lib parsed and bound, a first program and
 * checker: 1–2 s). It runs on the next turn, so the connection's own messages go first.
 */
import type { AgentPool } from '../engine/agent-pool';
import { warmCompiler } from '../engine/compile';
import type { StateTypes } from '../engine/state-change';
import { errorMessage } from '../shared/error-message';

export function warmOnFirstAgent(pool: AgentPool, stateTypes: StateTypes, log: (message: string) => void): void {
  pool.once('agentConnected', () => {
    setImmediate(() => {
      warmCompiler().catch((error: unknown) => log(`esbuild could not start ahead: ${String(error)}`));
      const started = performance.now();
      try {
        stateTypes.warm?.();
        log(`state types ready in ${(performance.now() - started).toFixed(0)} ms`);
      } catch (error) {
        // Only time is lost: the first analysis builds what this could not.
        log(`state types could not warm up: ${errorMessage(error)}`);
      }
    });
  });
}
