/** Scratch folders for one test. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { tmpRoot } from './paths';

/** A new empty folder under test/.tmp, named from `prefix`, removed after the test. */
export function scratchFolder(prefix: string): string {
  mkdirSync(tmpRoot, { recursive: true });
  const dir = mkdtempSync(join(tmpRoot, `${prefix}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
