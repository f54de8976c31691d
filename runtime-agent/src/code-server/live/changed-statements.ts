/**
 * Which running statement a new statement changed: a load matches the statements that stayed
 * (match.ts) and takes the others for new, and the running ones left over for removed. Between
 * two statements that stayed, one new statement and one removed one are one statement changed,
 * as a line diff pairs a changed line. With more on either side, which is which is not known.
 */

/**
 * New statement index → the index of the running statement it changed. `kept`: running index →
 * new index of the statements that stayed; `running` and `count`: how many statements each
 * version has.
 */
export function changedStatements(kept: Map<number, number>, running: number, count: number): Map<number, number> {
  const pairs = new Map<number, number>();
  // The statements that stayed, as anchors, with the ends of both versions as the last one.
  const anchors = [...kept].sort(([a], [b]) => a - b);
  anchors.push([running, count]);
  let previousOld = -1;
  let previousNew = -1;
  for (const [oldIndex, newIndex] of anchors) {
    // Kept statements stay in order; one that moved up or down is no anchor.
    if (oldIndex <= previousOld || newIndex <= previousNew) continue;
    if (oldIndex - previousOld === 2 && newIndex - previousNew === 2) pairs.set(previousNew + 1, previousOld + 1);
    previousOld = oldIndex;
    previousNew = newIndex;
  }
  return pairs;
}
