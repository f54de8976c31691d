/** An edit's file changes, in order: the text of each computed from the file as it is when its turn comes. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Edit, FileChange } from './types';

export interface FileStep {
  /** Absolute path in the app's scratch copy. */
  file: string;
  /** The file's text after this step's replacements, read from the file as it is now. */
  text(): string;
}

/** The file's text after the replacements; throws when a `find` does not occur exactly once (a broken corpus). */
export function applyReplacements(text: string, change: Pick<FileChange, 'replace'>, what: string): string {
  let result = text;
  for (const [find, replace] of change.replace) {
    const count = result.split(find).length - 1;
    if (count !== 1) throw new Error(`corpus edit ${what}: its find occurs ${count} times, not once: ${find}`);
    result = result.replace(find, () => replace);
  }
  return result;
}

/** The edit's file first, then its `also` files. */
export function fileChanges(edit: Edit): FileChange[] {
  return [{ file: edit.file, replace: edit.replace }, ...(edit.also ?? [])];
}

export function editSteps(edit: Edit, dir: string, label: string): FileStep[] {
  return fileChanges(edit).map((change) => {
    const file = join(dir, change.file);
    return {
      file,
      text: () => applyReplacements(readFileSync(file, 'utf8'), change, `"${edit.name}" (${label}/${change.file})`),
    };
  });
}
