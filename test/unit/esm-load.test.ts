/**
 * The ES module loader's use of the transform cache (runtime-agent/src/code-server/esm-load.ts):
 * a module the loader gives as bytes is found in the cache by those bytes, whether they start
 * with a byte order mark or are not UTF-8 at all, and is not made live and recorded again.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { hotModuleLoader } from '../../runtime-agent/src/code-server/esm-load';
import { handOverSource, takeSource } from '../../runtime-agent/src/code-server/live/esm-sources';
import { useTransformCache } from '../../runtime-agent/src/code-server/transform-cache';
import { scratchFolder } from '../helpers/scratch';

const root = scratchFolder('esm-load');
const cache = join(root, 'cache');
useTransformCache({ dir: cache, key: 'test' }, 'esm-load test');

/** How many records the cache's log holds (each begins with its header line, `esm\t"file"…`). */
function records(): number {
  const folder = join(cache, 'transforms-test');
  if (!existsSync(folder)) return 0;
  const log = readdirSync(folder).find((name) => name.endsWith('.log'));
  return log ? readFileSync(join(folder, log), 'latin1').split(`esm\t"${root}`).length - 1 : 0;
}

function load(
  file: string,
  bytes: Uint8Array,
  beforeRun?: (file: string, source: string | Uint8Array) => void,
): string {
  const loader = hotModuleLoader({ root, include: [], exclude: [] }, beforeRun);
  const { source } = loader.load(pathToFileURL(join(root, file)).href, { format: 'module', source: bytes });
  assert.equal(typeof source, 'string');
  return source as string;
}

const BOM = [0xef, 0xbb, 0xbf];

for (const [name, bytes] of [
  ['UTF-8', Buffer.from('export const greet = (name) => `héllo, ${name}`;\n')],
  ['UTF-8 with a byte order mark', Buffer.from([...BOM, ...Buffer.from('export function hi() { return 1; }\n')])],
  [
    'bytes that are not UTF-8',
    Buffer.from([...Buffer.from('export function s() { return "'), 0xff, 0xfe, ...Buffer.from('"; }\n')]),
  ],
] as const) {
  test(`a module given as ${name} is made live once, then found in the cache by its bytes`, () => {
    const file = `${name.replaceAll(' ', '-')}.mjs`;
    const before = records();
    const first = load(file, new Uint8Array(bytes));
    assert.match(first, /liveEsm\(/, 'made live');
    assert.equal(records(), before + 1, 'recorded');
    const again = load(file, new Uint8Array(bytes));
    assert.equal(again, first);
    assert.equal(records(), before + 1, 'found, not recorded again');
  });
}

test('a module whose URL escapes characters of its path (a space, a letter beyond ASCII) is known by its path', () => {
  for (const name of ['with space.mjs', 'grüße.mjs', 'plain.mjs']) {
    const code = load(name, new Uint8Array(Buffer.from('export function f() { return 1; }\n')));
    assert.ok(code.includes(`liveEsm(${JSON.stringify(join(root, name))},`), name);
  }
});

test('in the app thread, the code is handed over for the header to take, not carried in it; each way has its own transform', () => {
  const source = 'export function f() { return 1; } // marker-7f3a\n';
  const count = (code: string): number => code.split('marker-7f3a').length - 1;
  const carried = load('handed-over.mjs', new Uint8Array(Buffer.from(source)));
  assert.equal(count(carried), 2, 'the code, and its copy in the header');
  const handed: Array<[string, string]> = [];
  for (let start = 0; start < 2; start++) {
    const code = load('handed-over.mjs', new Uint8Array(Buffer.from(source)), (file, given) =>
      handed.push([file, typeof given === 'string' ? given : Buffer.from(given).toString('utf8')]),
    );
    assert.equal(count(code), 1, 'the code only');
  }
  assert.deepEqual(
    handed,
    [
      [join(root, 'handed-over.mjs'), source],
      [join(root, 'handed-over.mjs'), source],
    ],
    'made live, then from the cache: handed over each time',
  );
});

test('the header takes the code handed over for it once; a second header of the file reads the file', () => {
  const file = join(root, 'taken.mjs');
  writeFileSync(file, 'export const onDisk = 1;\n');
  handOverSource(file, new Uint8Array(Buffer.from('export const handed = "ü";\n')));
  assert.equal(takeSource(file), 'export const handed = "ü";\n');
  assert.equal(takeSource(file), 'export const onDisk = 1;\n');
  handOverSource(file, 'export const asText = 1;\n');
  assert.equal(takeSource(file), 'export const asText = 1;\n');
});
