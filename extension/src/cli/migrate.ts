/**
 * `hotpatch load --migrate`: a release refused because state types changed without a
 * codeChange gets the codeChange stubs the editor's "Generate migration" writes (typed, new
 * fields given their defaults, engine/migration-stubs.ts), written into the files, which then
 * load with the rest of the release. What was written is said, with its line: the migration is
 * the user's code from then on, to read and adjust.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { migrationsFor } from '../engine/migration-stubs';
import type { BatchOutcome, FileSave, StateTypes } from '../engine/save-pipeline';

/**
 * The release `saves` again with the migrations their refusals (`outcomes`) call for written
 * into the files (those not in the release join it); undefined when none was refused for that,
 * or no stub could be written.
 */
export async function withMigrations(
  stateTypes: StateTypes,
  saves: readonly FileSave[],
  outcomes: readonly BatchOutcome[],
  say: (file: string, line: string) => void,
): Promise<FileSave[] | undefined> {
  const changes = outcomes.flatMap((o) => (o.kind === 'migrationNeeded' ? o.changes : []));
  if (changes.length === 0) return undefined;
  const texts = new Map(saves.map((save) => [save.file, save.text]));
  for (const file of new Set(changes.map((c) => c.file))) {
    if (!texts.has(file)) texts.set(file, await readFile(file, 'utf8'));
  }
  const written = migrationsFor(stateTypes, changes, (file) => texts.get(file)!);
  if (written.length === 0) return undefined;
  for (const migration of written) {
    await writeFile(migration.file, migration.text);
    texts.set(migration.file, migration.text);
    const file = relative(process.cwd(), migration.file);
    say(
      file,
      `wrote a codeChange migration into ${file}:${migration.line} ` +
        '(the running state converted, new fields given their defaults): it is yours to review',
    );
  }
  return [...texts].map(([file, text]) => ({ file, text }));
}
