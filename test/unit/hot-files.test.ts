import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hotFileMatcher } from '../../runtime-agent/src/code-server/hot-files';

test('hot files are the app’s own JS/TS files under its root, never node_modules', () => {
  const isHot = hotFileMatcher({ root: '/app', include: [], exclude: [] });
  assert.equal(isHot('/app/src/x.ts'), true);
  assert.equal(isHot('/app/lib/y.mjs'), true);
  assert.equal(isHot('/app/z.cjs'), true);
  assert.equal(isHot('/app/node_modules/pkg/index.js'), false);
  assert.equal(isHot('/app/src/node_modules/pkg/index.js'), false);
  assert.equal(isHot('/elsewhere/x.js'), false);
  assert.equal(isHot('/app-other/x.js'), false);
  assert.equal(isHot('/app/data.json'), false);
  assert.equal(isHot('relative/x.js'), false);
});

test('include and exclude globs are relative to the root', () => {
  const isHot = hotFileMatcher({ root: '/app', include: ['src/**'], exclude: ['**/*.test.ts'] });
  assert.equal(isHot('/app/src/a.ts'), true);
  assert.equal(isHot('/app/scripts/a.ts'), false);
  assert.equal(isHot('/app/src/a.test.ts'), false);
});

test('a root given with its trailing separator, or a path outside it that shares its prefix', () => {
  const isHot = hotFileMatcher({ root: '/app/', include: [], exclude: [] });
  assert.equal(isHot('/app/src/x.ts'), true);
  assert.equal(isHot('/app/node_modules/x.js'), false);
  assert.equal(isHot('/apples/x.js'), false);
  // Not as Node spells a resolved path, but the same file: still under the root.
  assert.equal(isHot('/other/../app/src/x.ts'), true);
});
