/**
 * The agent's store of programs read ahead of their save (live/read-ahead.ts): a prepare takes a
 * reading only for exactly the code read, once, with the patch built from what was read; a later
 * reading of the file replaces it; a prepare of other code (agent/warm's of the running code)
 * leaves it; few files are kept. A reading's number gives its code while it is kept.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReadAhead, type PatchedAhead } from '../../runtime-agent/src/code-server/live/read-ahead';
import type { ProgramModel } from '../../runtime-agent/src/code-server/live/program';
import { payloadModule } from '../helpers/versions';

const FILE = '/app/payload.js';

test('the reading is taken once, for exactly the code read and its module kind', () => {
  const store = new ReadAhead();
  const code = payloadModule(2, { lines: 20 });
  assert.equal(typeof store.read(FILE, code, 'cjs'), 'number');
  assert.equal(store.take(FILE, code, 'esm'), undefined, 'read as CommonJS, not as an ES module');
  assert.equal(store.take(FILE, `${code} `, 'cjs'), undefined, 'other code');
  const reading = store.take(FILE, code, 'cjs');
  assert.ok(reading, 'the code read');
  assert.equal(reading.model.code, code);
  assert.equal(reading.model.statements.length, 23);
  assert.equal(reading.patched, undefined, 'no patch asked for');
  assert.equal(store.take(FILE, code, 'cjs'), undefined, 'taken once');
  assert.equal(store.taken, 1);
});

test('the patch is built from the model read, and kept with it; none for code that does not parse', () => {
  const store = new ReadAhead();
  const code = payloadModule(2, { lines: 5 });
  const built: ProgramModel[] = [];
  const patched = { generation: 7 } as PatchedAhead;
  const patchAhead = (model: ProgramModel): PatchedAhead => {
    built.push(model);
    return patched;
  };
  assert.equal(store.read(FILE, `${code}\nfunction (`, 'cjs', patchAhead), undefined);
  assert.equal(built.length, 0, 'nothing to patch to');
  assert.equal(typeof store.read(FILE, code, 'cjs', patchAhead), 'number');
  const reading = store.take(FILE, code, 'cjs', () => true);
  assert.equal(built.length, 1);
  assert.equal(built[0], reading?.model, 'built from the model the prepare takes');
  assert.equal(reading?.patched, patched);
});

test('a later reading of the file replaces the earlier one; code that does not parse is not kept', () => {
  const store = new ReadAhead();
  const first = payloadModule(2, { lines: 5 });
  const second = payloadModule(3, { lines: 5 });
  store.read(FILE, first, 'cjs');
  store.read(FILE, second, 'cjs');
  assert.equal(store.take(FILE, first, 'cjs'), undefined);
  assert.ok(store.take(FILE, second, 'cjs'));

  store.read(FILE, first, 'cjs');
  assert.equal(store.read(FILE, `${first}\nfunction (`, 'cjs'), undefined);
  assert.equal(store.take(FILE, first, 'cjs'), undefined, 'the half-typed text replaced the reading, and was not kept');
});

test('the readings of four files are kept, the oldest let go for a fifth', () => {
  const store = new ReadAhead();
  const code = payloadModule(2, { lines: 5 });
  const files = ['/app/a.js', '/app/b.js', '/app/c.js', '/app/d.js', '/app/e.js'];
  for (const file of files) assert.equal(typeof store.read(file, code, 'cjs'), 'number');
  assert.equal(store.take('/app/a.js', code, 'cjs'), undefined, 'the oldest went');
  for (const file of files.slice(1)) assert.ok(store.take(file, code, 'cjs'), file);
});

test("a reading's number gives its code while it is kept, and nothing once taken or replaced", () => {
  const store = new ReadAhead();
  const first = payloadModule(2, { lines: 5 });
  const second = payloadModule(3, { lines: 5 });
  const one = store.read(FILE, first, 'cjs')!;
  assert.equal(store.codeOf(FILE, one), first);
  assert.equal(store.codeOf('/app/other.js', one), undefined, 'the number of another file');
  const two = store.read(FILE, second, 'cjs')!;
  assert.notEqual(two, one, 'each reading has its own number');
  assert.equal(store.codeOf(FILE, one), undefined, 'replaced');
  assert.equal(store.codeOf(FILE, two), second);
  assert.ok(store.take(FILE, second, 'cjs'));
  assert.equal(store.codeOf(FILE, two), undefined, 'taken');
});
