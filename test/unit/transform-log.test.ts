/**
 * The transform cache's log (runtime-agent/src/code-server/transform-log.ts): what a start
 * keeps of records appended by many processes and edits, and when a rewrite is worth it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  KEPT_VERSIONS,
  keep,
  logBytes,
  logRecord,
  readLog,
  recordFor,
  transformOf,
  worthRewriting,
  type LogEntries,
} from '../../runtime-agent/src/code-server/transform-log';

const record = (file: string, source: string, code = `code of ${source}`): Buffer =>
  logRecord('cjs', file, source, { code });
const log = (...records: Buffer[]): Buffer => Buffer.concat(records);

/** The codes of the kept records, module by module. */
const kept = (entries: LogEntries): string[][] =>
  [...entries.byModule.values()].map((records) => records.map((r) => transformOf(r).code));

const codeFor = (entries: LogEntries, file: string, source: string): string | undefined => {
  const found = recordFor(entries, 'cjs', file, source);
  return found && transformOf(found).code;
};

test('the newest record of a module and source is kept; repeats (instances started together) count as superseded', () => {
  const entries = readLog(
    log(record('/app/a.js', 'a1', 'old'), record('/app/b.js', 'b1'), record('/app/a.js', 'a1', 'new')),
  );
  assert.deepEqual(kept(entries), [['new'], ['code of b1']]);
  assert.deepEqual(logBytes(entries), log(record('/app/b.js', 'b1'), record('/app/a.js', 'a1', 'new')));
  assert.equal(codeFor(entries, '/app/a.js', 'a1'), 'new');
  assert.equal(entries.superseded, 1);
});

test('a record serves only its own module kind, file and source', () => {
  const entries = readLog(record('/app/a.js', 'const a = 1;\n'));
  assert.ok(recordFor(entries, 'cjs', '/app/a.js', 'const a = 1;\n'));
  assert.equal(recordFor(entries, 'esm', '/app/a.js', 'const a = 1;\n'), undefined, 'another kind');
  assert.equal(recordFor(entries, 'cjs', '/app/b.js', 'const a = 1;\n'), undefined, 'another file');
  assert.equal(recordFor(entries, 'cjs', '/app/a.js', 'const a = 2;\n'), undefined, 'another source');
  assert.equal(recordFor(entries, 'cjs', '/app/a.js', 'const a = 1;'), undefined, 'a source that is a prefix');
  assert.equal(recordFor(entries, 'cjs', '/app/a.js', 'const ä = 1;\n'), undefined, 'as many bytes, another text');
  const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text));
  assert.ok(recordFor(entries, 'cjs', '/app/a.js', bytes('const a = 1;\n')), 'by its bytes');
  assert.equal(recordFor(entries, 'cjs', '/app/a.js', bytes('const b = 1;\n')), undefined, 'other bytes');
  assert.equal(recordFor(entries, 'cjs', '/app/a.js', bytes('const a = 1;')), undefined, 'a prefix of its bytes');
});

test(`of each file, the ${KEPT_VERSIONS} newest transforms are kept`, () => {
  const versions = Array.from({ length: KEPT_VERSIONS + 2 }, (_, v) => record('/app/edited.js', `v${v}`));
  const entries = readLog(log(record('/app/other.js', 'other'), ...versions));
  const newest = Array.from({ length: KEPT_VERSIONS }, (_, i) => `code of v${i + 2}`);
  assert.deepEqual(kept(entries), [['code of other'], newest]);
  assert.equal(entries.superseded, 2);
  assert.equal(recordFor(entries, 'cjs', '/app/edited.js', 'v0'), undefined);
});

test("a record kept again (an undo) becomes its module's newest, in place of the same source's, and goes last in a rewrite", () => {
  const entries = readLog(log(record('/app/a.js', 'v1'), record('/app/b.js', 'b'), record('/app/a.js', 'v2')));
  keep(entries, record('/app/a.js', 'v1', 'again'));
  assert.deepEqual(kept(entries), [['code of v2', 'again'], ['code of b']]);
  assert.equal(entries.superseded, 1);
  assert.deepEqual(
    logBytes(entries),
    log(record('/app/b.js', 'b'), record('/app/a.js', 'v2'), record('/app/a.js', 'v1', 'again')),
  );
});

test('file names, sources and transforms with tabs, newlines, quotes and any characters come back as written', () => {
  const file = '/app/we\tird\n"name".js';
  const source = 'const s = "a\tb";\n// ünïcødé 🎉\n';
  const transform = { code: 'a\tb\nc "d" 🎉\n', exports: { names: ['x'] } };
  const entries = readLog(log(logRecord('esm', file, source, transform), record('/app/next.js', 'next')));
  assert.deepEqual(transformOf(recordFor(entries, 'esm', file, source)!), transform);
  assert.equal(codeFor(entries, '/app/next.js', 'next'), 'code of next');
  assert.equal(entries.superseded, 0);
});

test('a start that shares the log’s text reads the same sources and codes; a log with characters beyond ASCII is decoded record by record', () => {
  const esm = { code: 'let a = 1;\nexport { a };\n', exports: { names: ['a'] } };
  const ascii = log(
    logRecord('esm', '/app/a.mjs', 'export const a = 1;\n', esm),
    record('/app/b.js', 'module.exports = 2;\n'),
  );
  const shared = readLog(ascii, true);
  const own = readLog(ascii);
  for (const entries of [shared, own]) {
    assert.deepEqual(transformOf(recordFor(entries, 'esm', '/app/a.mjs', 'export const a = 1;\n')!), esm);
    assert.equal(codeFor(entries, '/app/b.js', 'module.exports = 2;\n'), 'code of module.exports = 2;\n');
    assert.equal(
      recordFor(entries, 'cjs', '/app/b.js', 'module.exports = 3;\n'),
      undefined,
      'another source is not found',
    );
  }
  const [sharedRecord] = shared.byModule.get('cjs\t"/app/b.js"')!;
  assert.equal(sharedRecord!.text?.length, ascii.length, 'one text of the whole log');
  assert.equal(own.byModule.get('cjs\t"/app/b.js"')![0]!.text, undefined, 'none unless asked for');

  const accented = log(record('/app/c.js', 'const café = "é";\n', 'let café = "é"; // ✓\n'), record('/app/d.js', 'd'));
  const decoded = readLog(accented, true);
  assert.equal(decoded.byModule.get('cjs\t"/app/c.js"')![0]!.text, undefined, 'not ASCII: no shared text');
  assert.equal(codeFor(decoded, '/app/c.js', 'const café = "é";\n'), 'let café = "é"; // ✓\n');
  assert.equal(codeFor(decoded, '/app/d.js', 'd'), 'code of d');
});

for (const shareText of [false, true]) {
  test(`a record cut short ends the reading: the records before it are read, and the log is to be rewritten${shareText ? ' (its text shared)' : ''}`, () => {
    const good = record('/app/good.js', 'good');
    const cut = record('/app/cut.js', 'cut').subarray(0, 30);
    const entries = readLog(log(good, cut, record('/app/after.js', 'after')), shareText);
    assert.equal(codeFor(entries, '/app/good.js', 'good'), 'code of good');
    assert.equal(recordFor(entries, 'cjs', '/app/after.js', 'after'), undefined, 'read anew');
    assert.equal(worthRewriting(entries), true);
    assert.deepEqual(logBytes(entries), good, 'a rewrite keeps what was read');
    for (const damaged of [
      'no header at all',
      'cjs\t"/app/x.js"\tten\t3\t{}\nx',
      'cjs\t"/app/x.js"\t1\t9\t{}\nxabc\n',
    ]) {
      assert.equal(readLog(log(Buffer.from(damaged), good), shareText).byModule.size, 0, damaged);
    }
    assert.throws(() => keep(entries, Buffer.from('not a record')), /not a record/);
  });
}

test('a record whose JSON is damaged fails to parse, and the others are read', () => {
  const damaged = Buffer.from('cjs\t"/app/x.js"\t1\t1\t{"exports":\nxy\n');
  const entries = readLog(log(damaged, record('/app/good.js', 'good')));
  assert.throws(() => transformOf(recordFor(entries, 'cjs', '/app/x.js', 'x')!), SyntaxError);
  assert.equal(codeFor(entries, '/app/good.js', 'good'), 'code of good');
});

test('a rewrite is worth it once at least half the log is superseded, and keeps the kept records in order', () => {
  const live = Array.from({ length: 100 }, (_, i) => record(`/app/m${i}.js`, `m${i}`));
  const repeats = live.slice(0, 99);
  const sameRecord = Array.from({ length: 100 }, () => live[0]!);
  assert.equal(worthRewriting(readLog(log(...sameRecord))), true, '99 superseded, 1 kept');
  assert.equal(worthRewriting(readLog(log(...repeats, ...live))), false, '99 superseded, 100 kept');
  assert.equal(worthRewriting(readLog(log(...repeats.slice(0, 10), ...live.slice(0, 10)))), false, 'too short');
  const entries = readLog(log(...repeats, ...live, live[0]!));
  assert.equal(worthRewriting(entries), true);
  const rewritten = readLog(logBytes(entries));
  assert.equal(rewritten.superseded, 0);
  assert.deepEqual(logBytes(rewritten), logBytes(entries));
  assert.equal(rewritten.byModule.size, 100);
});
