/**
 * The transform cache's log (runtime-agent/src/code-server/transform-log.ts): what a start
 * keeps of lines appended by many processes and edits, and when a rewrite is worth it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  KEPT_VERSIONS,
  logLine,
  logText,
  readLog,
  transformOf,
  worthRewriting,
} from '../../runtime-agent/src/code-server/transform-log';

const line = (key: string, file: string, code = `code of ${key}`): string => logLine(key, file, { code });

test('the newest line of a key is kept; repeats (instances started together) count as superseded', () => {
  const log = [line('a', '/app/a.js', 'old'), line('b', '/app/b.js'), line('a', '/app/a.js', 'new')].join('\n') + '\n';
  const entries = readLog(log);
  assert.deepEqual([...entries.lines.keys()], ['b', 'a']);
  assert.deepEqual(transformOf(entries.lines.get('a')!), { code: 'new' });
  assert.equal(entries.superseded, 1);
});

test(`of each file, the ${KEPT_VERSIONS} newest transforms are kept`, () => {
  const versions = Array.from({ length: KEPT_VERSIONS + 2 }, (_, v) => line(`v${v}`, '/app/edited.js'));
  const entries = readLog([line('other', '/app/other.js'), ...versions].join('\n'));
  const kept = Array.from({ length: KEPT_VERSIONS }, (_, i) => `v${i + 2}`);
  assert.deepEqual([...entries.lines.keys()], ['other', ...kept]);
  assert.equal(entries.superseded, 2);
});

test('a file name and a transform with tabs, newlines and quotes stay on their line', () => {
  const file = '/app/we\tird\n"name".js';
  const transform = { code: 'a\tb\nc "d"', exports: { names: ['x'] } };
  const entries = readLog(`${logLine('k', file, transform)}\n`);
  assert.deepEqual(transformOf(entries.lines.get('k')!), transform);
  assert.equal(entries.superseded, 0);
});

test('a torn or damaged line is left out or fails to parse, and the others are read', () => {
  const good = line('good', '/app/good.js');
  const entries = readLog(['torn line without tabs', good, 'half\t"/app/x.js"\t{"code":'].join('\n'));
  assert.deepEqual(transformOf(entries.lines.get('good')!), { code: 'code of good' });
  assert.equal(entries.superseded, 1, 'the line without a key');
  assert.throws(() => transformOf(entries.lines.get('half')!), SyntaxError);
  assert.throws(() => transformOf('no tabs at all'), /damaged line/);
});

test('a rewrite is worth it once at least half the log is superseded, and keeps the kept lines in order', () => {
  const live = Array.from({ length: 100 }, (_, i) => line(`k${i}`, `/app/m${i}.js`));
  const repeats = Array.from({ length: 99 }, (_, i) => line(`k${i}`, `/app/m${i}.js`));
  const sameKey = Array.from({ length: 100 }, () => live[0]!);
  assert.equal(worthRewriting(readLog(sameKey.join('\n'))), true, '99 superseded, 1 kept');
  assert.equal(worthRewriting(readLog([...repeats, ...live].join('\n'))), false, '99 superseded, 100 kept');
  assert.equal(worthRewriting(readLog([...repeats.slice(0, 10), ...live.slice(0, 10)].join('\n'))), false, 'too short');
  const entries = readLog([...repeats, ...live, line('k0', '/app/m0.js')].join('\n'));
  assert.equal(worthRewriting(entries), true);
  const rewritten = readLog(logText(entries));
  assert.equal(rewritten.superseded, 0);
  assert.deepEqual([...rewritten.lines], [...entries.lines]);
});
