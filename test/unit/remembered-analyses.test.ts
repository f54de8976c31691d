/**
 * The state-type analyzer gives an analysis made before (one made while typing paused, for the
 * save: engine/read-ahead.ts) only where the analysis would read the same: the same text, the
 * same documents, the same files on disk. Real TypeScript, real files.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setImmediate } from 'node:timers/promises';
import { StateTypeAnalyzer } from '../../extension/src/engine/state-types/index';
import { tmpRoot } from '../helpers/paths';

const dir = mkdtempSync(join(tmpRoot, 'remembered-analyses-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const analyzer = new StateTypeAnalyzer();
after(() => analyzer.dispose());

const typesFile = join(dir, 'types.ts');
const storeFile = join(dir, 'store.ts');
const store = (body: string): string =>
  `import type { Todo } from './types';\nconst todos: Todo[] = [];\nexport function count(): number { ${body} }\n`;

/**
 * Writes `text` to `file` with an mtime a second on from the last, so a change is seen whatever
 * the disk's clock; and lets a turn of the event loop pass, as between an edit and a save: the
 * analysis looks at each file on disk once in a turn.
 */
let clock = Date.now() / 1000;
async function writeOnDisk(file: string, text: string): Promise<void> {
  writeFileSync(file, text);
  clock += 1;
  utimesSync(file, clock, clock);
  await setImmediate();
}

/** The field names of the store's module variables' `todos`, as analysed. */
function todoFields(body: string): string[] {
  const [holder] = analyzer.analyzeHolders(storeFile, store(body));
  const todos = holder?.shape.type === 'object' ? holder.shape.properties.todos?.shape : undefined;
  const element = todos?.type === 'array' ? todos.element : undefined;
  return element?.type === 'object' ? Object.keys(element.properties).sort() : [];
}

test('an analysis of the same text under the same documents and disk is the one made before', async () => {
  await writeOnDisk(typesFile, 'export interface Todo { id: number; title: string }\n');
  const made = analyzer.analyses.made;
  const first = analyzer.analyzeHolders(storeFile, store('return todos.length;'));
  assert.equal(analyzer.analyses.made, made + 1);
  assert.deepEqual(todoFields('return todos.length;'), ['id', 'title']);
  assert.equal(
    analyzer.analyzeHolders(storeFile, store('return todos.length;')),
    first,
    'the same analysis, given again',
  );
  assert.equal(analyzer.analyses.made, made + 1, 'nothing analysed again');

  // Documents dropped and set again with the same texts (a save's analysis of the modules
  // importing a file does so): still the same program, so the same analysis.
  analyzer.setDocument(join(dir, 'other.ts'), 'export const other = 1;\n');
  analyzer.closeDocument(join(dir, 'other.ts'));
  analyzer.closeDocument(storeFile);
  assert.equal(analyzer.analyzeHolders(storeFile, store('return todos.length;')), first);
  assert.equal(analyzer.analyses.made, made + 1);

  // Another text of the file is analysed anew.
  assert.notEqual(analyzer.analyzeHolders(storeFile, store('return todos.length + 0;')), first);
  assert.equal(analyzer.analyses.made, made + 2);
});

test('a file it imports changed on disk, or open in the editor with other text: the analysis is made again, with the new types', async () => {
  await writeOnDisk(typesFile, 'export interface Todo { id: number; title: string }\n');
  const body = 'return todos.length * 2;';
  assert.deepEqual(todoFields(body), ['id', 'title']);
  const made = analyzer.analyses.made;

  await writeOnDisk(typesFile, 'export interface Todo { id: number; title: string; done: boolean }\n');
  assert.deepEqual(todoFields(body), ['done', 'id', 'title'], 'the disk read again');
  assert.equal(analyzer.analyses.made, made + 1);

  analyzer.setDocument(typesFile, 'export interface Todo { id: number; due: string }\n');
  assert.deepEqual(todoFields(body), ['due', 'id'], 'the open document read');
  analyzer.closeDocument(typesFile);
  assert.deepEqual(todoFields(body), ['done', 'id', 'title'], 'the disk once the document is closed');
  // Closed, the world is again the one of the disk's new text: that analysis is given again.
  assert.equal(analyzer.analyses.made, made + 2);
});
