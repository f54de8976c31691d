/** Scratch folders for one test. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after } from 'node:test';
import { tmpRoot } from './paths';

/** A new empty folder under test/.tmp, named from `prefix`, removed after the test. */
export function scratchFolder(prefix: string): string {
  mkdirSync(tmpRoot, { recursive: true });
  const dir = mkdtempSync(join(tmpRoot, `${prefix}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A scratch folder (see scratchFolder) holding `files`, by their paths in it (folders made as needed). */
export function scratchFiles(prefix: string, files: Record<string, string>): string {
  const dir = scratchFolder(prefix);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}
