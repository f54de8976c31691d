/**
 * This thread's first committed version, for the last stage of the parser's and the
 * transport's code caches (code-cache.ts): once a save has been committed, the functions a save
 * runs in them are compiled, and a cache made then gives them to the app's next start already
 * compiled.
 */
let committed = false;
const waiting: Array<() => void> = [];

/** Called by every commit; runs the waiting callbacks at the first. */
export function versionCommitted(): void {
  if (committed) return;
  committed = true;
  for (const callback of waiting.splice(0)) callback();
}

/** `callback` once a version has been committed in this thread (now, if one was). */
export function afterFirstCommit(callback: () => void): void {
  if (committed) callback();
  else waiting.push(callback);
}
