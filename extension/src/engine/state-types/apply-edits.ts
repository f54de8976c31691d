/** Applies TextEdits made for a text (non-overlapping offsets into that same text). */
import type { TextEdit } from './types';

export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  // From the end, so each edit's offsets still point into the original text; of two inserts
  // at one offset the later one goes first, which leaves them in their given order.
  const sorted = edits
    .map((edit, order) => ({ edit, order }))
    .sort((a, b) => b.edit.start - a.edit.start || b.order - a.order);
  let result = text;
  for (const { edit } of sorted) result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
  return result;
}
