/**
 * The codeChange stubs a refused save's state changes call for (the editor's "Generate
 * migration", `hotpatch load --migrate`): typed, converting the running state, new fields given
 * their defaults (state-types/stub.ts), written in the file each change names (the saved file,
 * or a running module importing the type it saved).
 */
import type { StateChange, StateTypes } from './state-change';
import { applyEdits } from './state-types/apply-edits';
import type { TextEdit } from './state-types/types';

/**
 * The edits writing the stubs for `changes`, all in `file` (whose text is `text`). The first
 * change's stub, and one for each other holder: a class's and the module's go in different
 * places and name their old types apart, while a second server's would clash on StateV<n>.
 */
export function migrationStubEdits(
  stateTypes: StateTypes,
  file: string,
  text: string,
  changes: readonly StateChange[],
): TextEdit[] {
  if (!stateTypes.stubEdits || changes.length === 0) return [];
  const stubs = [changes[0]!];
  for (const change of changes) {
    if (
      change.server.kind &&
      !stubs.some((s) => s.server.kind === change.server.kind && s.server.key === change.server.key)
    ) {
      stubs.push(change);
    }
  }
  return stubs.flatMap((change) => stateTypes.stubEdits!(file, text, change));
}

/** A migration written: the file, its new text, and the line its first stub starts on (1-based). */
export interface WrittenMigration {
  file: string;
  text: string;
  line: number;
}

/** The text of each file `changes` name with their stubs written in, from `textOf` (the text to write into). */
export function migrationsFor(
  stateTypes: StateTypes,
  changes: readonly StateChange[],
  textOf: (file: string) => string,
): WrittenMigration[] {
  return [...new Set(changes.map((c) => c.file))].flatMap((file) => {
    const before = textOf(file);
    const edits = migrationStubEdits(
      stateTypes,
      file,
      before,
      changes.filter((c) => c.file === file),
    );
    if (edits.length === 0) return [];
    const stub = edits.find((e) => e.newText.includes('codeChange(')) ?? edits[0]!;
    // Where the stub lands once every edit is in: those before it shift it.
    const shift = edits
      .filter((e) => e !== stub && e.end <= stub.start)
      .reduce((sum, e) => sum + e.newText.length - (e.end - e.start), 0);
    const at = stub.start + shift + (stub.newText.length - stub.newText.trimStart().length);
    const text = applyEdits(before, edits);
    return [{ file, text, line: text.slice(0, at).split('\n').length }];
  });
}
