/**
 * The transform cache's log (runtime-agent/src/code-server/transform-log.ts): what a start
 * keeps of lines appended by many processes and edits, and when a rewrite is worth it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  KEPT_VERSIONS,
  keep,
  lineFor,
  logLine,
  logText,
  readLog,
  transformOf,
  worthRewriting,
  type LogEntries,
} from '../../runtime-agent/src/code-server/transform-log';

const line = (file: string, source: string, code = `code of ${source}`): string =>
  logLine('cjs', file, source, { code });

/** The sources of the kept lines, module by module. */
const kept = (entries: LogEntries): string[][] =>
  [...entries.byModule.values()].map((lines) => lines.map((l) => (transformOf(l.line) as { code: string }).code));

test('the newest line of a module and source is kept; repeats (instances started together) count as superseded', () => {
  const log =
    [line('/app/a.js', 'a1', 'old'), line('/app/b.js', 'b1'), line('/app/a.js', 'a1', 'new')].join('\n') + '\n';
  const entries = readLog(log);
  assert.deepEqual(kept(entries), [['new'], ['code of b1']]);
  assert.equal(logText(entries), [line('/app/b.js', 'b1'), line('/app/a.js', 'a1', 'new')].join('\n') + '\n');
  assert.equal(lineFor(entries, 'cjs', '/app/a.js', 'a1'), line('/app/a.js', 'a1', 'new'));
  assert.equal(entries.superseded, 1);
});

test('a line serves only its own module kind, file and source', () => {
  const entries = readLog(line('/app/a.js', 'const a = 1;\n'));
  assert.ok(lineFor(entries, 'cjs', '/app/a.js', 'const a = 1;\n'));
  assert.equal(lineFor(entries, 'esm', '/app/a.js', 'const a = 1;\n'), undefined, 'another kind');
  assert.equal(lineFor(entries, 'cjs', '/app/b.js', 'const a = 1;\n'), undefined, 'another file');
  assert.equal(lineFor(entries, 'cjs', '/app/a.js', 'const a = 2;\n'), undefined, 'another source');
  assert.equal(lineFor(entries, 'cjs', '/app/a.js', 'const a = 1;'), undefined, 'a source that is a prefix');
});

test(`of each file, the ${KEPT_VERSIONS} newest transforms are kept`, () => {
  const versions = Array.from({ length: KEPT_VERSIONS + 2 }, (_, v) => line('/app/edited.js', `v${v}`));
  const entries = readLog([line('/app/other.js', 'other'), ...versions].join('\n'));
  const newest = Array.from({ length: KEPT_VERSIONS }, (_, i) => `code of v${i + 2}`);
  assert.deepEqual(kept(entries), [['code of other'], newest]);
  assert.equal(entries.superseded, 2);
  assert.equal(lineFor(entries, 'cjs', '/app/edited.js', 'v0'), undefined);
});

test("a line kept again (an undo) becomes its module's newest, in place of the same source's, and goes last in a rewrite", () => {
  const entries = readLog([line('/app/a.js', 'v1'), line('/app/b.js', 'b'), line('/app/a.js', 'v2')].join('\n'));
  keep(entries, line('/app/a.js', 'v1', 'again'));
  assert.deepEqual(kept(entries), [['code of v2', 'again'], ['code of b']]);
  assert.equal(entries.superseded, 1);
  assert.equal(
    logText(entries),
    [line('/app/b.js', 'b'), line('/app/a.js', 'v2'), line('/app/a.js', 'v1', 'again')].join('\n') + '\n',
  );
});

test('a file name, a source and a transform with tabs, newlines and quotes stay on their line', () => {
  const file = '/app/we\tird\n"name".js';
  const source = 'const s = "a\tb";\n';
  const transform = { code: 'a\tb\nc "d"', exports: { names: ['x'] } };
  const entries = readLog(`${logLine('esm', file, source, transform)}\n`);
  assert.deepEqual(transformOf(lineFor(entries, 'esm', file, source)!), transform);
  assert.equal(entries.superseded, 0);
});

test('a torn or damaged line is left out or fails to parse, and the others are read', () => {
  const good = line('/app/good.js', 'good');
  const half = 'cjs\t"/app/x.js"\t"x"\t{"code":';
  const entries = readLog(['torn line without tabs', good, half].join('\n'));
  assert.deepEqual(transformOf(lineFor(entries, 'cjs', '/app/good.js', 'good')!), { code: 'code of good' });
  assert.equal(entries.superseded, 1, 'the line without its fields');
  assert.throws(() => transformOf(lineFor(entries, 'cjs', '/app/x.js', 'x')!), SyntaxError);
  assert.throws(() => transformOf('no tabs at all'), /damaged line/);
});

test('a rewrite is worth it once at least half the log is superseded, and keeps the kept lines in order', () => {
  const live = Array.from({ length: 100 }, (_, i) => line(`/app/m${i}.js`, `m${i}`));
  const repeats = live.slice(0, 99);
  const sameLine = Array.from({ length: 100 }, () => live[0]!);
  assert.equal(worthRewriting(readLog(sameLine.join('\n'))), true, '99 superseded, 1 kept');
  assert.equal(worthRewriting(readLog([...repeats, ...live].join('\n'))), false, '99 superseded, 100 kept');
  assert.equal(worthRewriting(readLog([...repeats.slice(0, 10), ...live.slice(0, 10)].join('\n'))), false, 'too short');
  const entries = readLog([...repeats, ...live, live[0]!].join('\n'));
  assert.equal(worthRewriting(entries), true);
  const rewritten = readLog(logText(entries));
  assert.equal(rewritten.superseded, 0);
  assert.equal(logText(rewritten), logText(entries));
  assert.equal(rewritten.byModule.size, 100);
});
