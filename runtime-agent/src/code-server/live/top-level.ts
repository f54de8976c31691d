/**
 * Which hot module's top level is running now, and which of its statements: what a statement
 * starts (timers, routes, servers) is attributed to it. Top levels nest (a module requires
 * another while it evaluates), so frames form a stack.
 */
import { beginListenerCapture, endListenerCapture } from './listeners';
import type { VersionScope } from './live-module';

export interface Evaluating {
  file: string;
  /** The version's scope, once its first statement mark ran (live modules only). */
  scope: VersionScope | undefined;
  /** The statement running now; -1 before the first mark. */
  index: number;
  /** A version being loaded (a patch, or an ES module evaluated whole), not the app's startup. */
  loading: boolean;
}
const evaluating: Evaluating[] = [];

/** Called around each hot module's top level (see captureTopLevel). */
export function enterTopLevel(file: string, loading = false): Evaluating {
  const frame: Evaluating = { file, scope: undefined, index: -1, loading };
  if (evaluating.length === 0) beginListenerCapture();
  evaluating.push(frame);
  return frame;
}

export function leaveTopLevel(frame: Evaluating): void {
  const at = evaluating.lastIndexOf(frame);
  if (at >= 0) evaluating.length = at;
  if (evaluating.length === 0) endListenerCapture();
}

/** Called by a live module's statement marks. */
export function enterStatement(scope: VersionScope, index: number): void {
  const frame = evaluating.at(-1);
  if (frame?.file !== scope.module.file) return;
  frame.scope = scope;
  frame.index = index;
}

export function currentFrame(): Evaluating | undefined {
  return evaluating.at(-1);
}

export function evaluatingAny(): boolean {
  return evaluating.length > 0;
}
