/**
 * A collection of V8's young generation, run at a moment the agent knows the user has paused:
 * once a module was read ahead of its save (live/read-ahead.ts).
 *
 * Why: a reading allocates the module's tree (≈3.5 MB for 500 lines), and keeps it for the
 * save. The scavenge that then copies it out of the young generation came when V8 scheduled it,
 * often during the save that followed: 10–20 ms on top of a 10 ms save (500 lines, seen with
 * --trace-gc; the first save after a file was opened, which follows the warm-up's rounds, was
 * the most often hit, issue 13). Run at the end of the reading, it leaves the save an empty
 * young generation.
 *
 * Only the young generation: a scavenge costs what it holds alive, which its size bounds (a
 * few to tens of MB), however large the app's heap. A full collection costs with the whole
 * heap, hundreds of milliseconds in a large app.
 *
 * V8 gives its `gc` function only to code started with --expose-gc. Without it, the flag is set
 * for as long as it takes to make a context that has the function, then unset, so that the
 * app's own contexts (vm, jsdom) never get a `gc` global.
 */
import { runInNewContext } from 'node:vm';
import { v8 } from '../builtins';

type Collect = (options: { type: 'minor' }) => void;

/** The collector, once asked for; null where V8 would not give one. */
let collector: Collect | null | undefined;

function gcFunction(): Collect | null {
  if (collector !== undefined) return collector;
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return (collector = exposed as Collect);
  try {
    v8().setFlagsFromString('--expose-gc');
    const made: unknown = runInNewContext('gc');
    collector = typeof made === 'function' ? (made as Collect) : null;
  } catch {
    collector = null;
  } finally {
    v8().setFlagsFromString('--no-expose-gc');
  }
  return collector;
}

/** Collects the young generation now; never throws (without a collector, V8 does it when it would). */
export function collectYoungGeneration(): void {
  try {
    gcFunction()?.({ type: 'minor' });
  } catch {
    // V8's own collections stand.
  }
}
