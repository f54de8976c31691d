/**
 * A cluster's primary starts its workers as the app starts (`if (cluster.isPrimary) { for (…)
 * cluster.fork(); } else { …the server… }`). A statement changed in the worker's block runs the
 * whole `if` again, in the primary too, where it started as many workers again. So while a
 * version is evaluated, `cluster.fork()` throws an error the report turns into a restart offer
 * (live-module.ts, startupOnly): the statement is said not to have run, and no worker starts.
 *
 * The wrapper goes on when a version is first evaluated in a process that loaded node:cluster,
 * not as the agent starts: most apps never load it, and loading it costs every start.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- loaded only where the app loaded it */
import { currentFrame } from './top-level';

/** The error code startupOnly (live-module.ts) takes as "only while the app starts". */
export const FORK_WHILE_LOADING = 'ERR_HOTPATCH_FORK_WHILE_LOADING';

let guarded = false;

/** Puts the wrapper on `cluster.fork`, once, if the app loaded node:cluster; never throws. */
export function guardClusterForks(): void {
  if (guarded) return;
  const loaded = (process as { moduleLoadList?: unknown }).moduleLoadList;
  if (!Array.isArray(loaded) || !loaded.includes('NativeModule cluster')) return;
  guarded = true;
  try {
    const cluster = require('node:cluster') as { fork?: unknown };
    const fork = cluster.fork;
    if (typeof fork !== 'function') return; // a worker's cluster module: no fork
    cluster.fork = function (this: unknown, ...args: unknown[]): unknown {
      if (currentFrame()?.loading) {
        throw Object.assign(new Error('cluster.fork() would start another worker process'), {
          code: FORK_WHILE_LOADING,
        });
      }
      return Reflect.apply(fork, this, args);
    };
  } catch {
    // node:cluster not reachable: a load runs as before
  }
}
