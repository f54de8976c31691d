/**
 * Whether a supervisor is starting one of its children now: a supervisor that a child spec's
 * start() makes belongs to its parent, not to the module whose top level is running, so it is
 * never paired with one of that module's supervise() calls by a load (see trees.ts).
 */
let depth = 0;

export function whileStartingChild<T>(start: () => T): T {
  depth++;
  try {
    return start();
  } finally {
    depth--;
  }
}

export function startingChild(): boolean {
  return depth > 0;
}
