/**
 * What a load evaluates again of the statements a save did not change, because they read a
 * variable the save gave a new value: a restart would compute them anew (live/export-updates.ts,
 * live/derived-constants.ts). What holds the app's state, or calls code, is named instead
 * (live/stale-reads.ts). End to end: integration/cjs-exports.test.ts, integration/esm-exports.test.ts.
 */
import assert from 'node:assert/strict';
import { Script } from 'node:vm';
import { test } from 'node:test';
import { LiveModule } from '../../runtime-agent/src/code-server/live/live-module';
import { patchAfter } from '../helpers/live-patch';

test('a kept CommonJS export statement that reads a new value only through plain reads is exported again after the module ran; one that calls code, or writes to an exports object the module replaced, is named', () => {
  const exportedAgain = (before: string, after: string): { ran: string[]; notApplied: string[]; code: string } => {
    const { report, code } = patchAfter(new LiveModule('/app/config.js'), before)(after);
    return { ran: report.ran, notApplied: report.notApplied, code };
  };
  const object = exportedAgain(
    "const limit = 10;\nconst base = { size: 2 };\nmodule.exports = { limit, size: base.size * 2, ['max-age']: 1, note: `${limit}` };\n",
    "const limit = 20;\nconst base = { size: 3 };\nmodule.exports = { limit, size: base.size * 2, ['max-age']: 1, note: `${limit}` };\n",
  );
  assert.deepEqual(object.notApplied, []);
  assert.deepEqual(object.ran, ['line 3: module.exports.limit, .size, .note (new values)']);
  assert.match(
    object.code,
    /module\.exports\["limit"\]=__hotpatch\$\.s\.limit;module\.exports\["size"\]=__hotpatch\$\.s\.base\.size \* 2;/,
  );
  new Script(object.code); // the patch compiles

  const members = exportedAgain(
    "const limit = 10;\nexports.limit = limit;\nmodule.exports['page-size'] = limit / 2;\n",
    "const limit = 20;\nexports.limit = limit;\nmodule.exports['page-size'] = limit / 2;\n",
  );
  assert.deepEqual(members.notApplied, []);
  assert.deepEqual(members.ran, [
    'line 2: module.exports.limit (new values)',
    'line 3: module.exports.page-size (new values)',
  ]);

  const called = exportedAgain(
    'const limit = 10;\nmodule.exports = { limit, checker: make(limit) };\n',
    'const limit = 20;\nmodule.exports = { limit, checker: make(limit) };\n',
  );
  assert.deepEqual(called.ran, []);
  assert.match(
    called.notApplied.join('\n'),
    /^limit has a new value, but line 2 \(module\.exports = \{ limit, checker : make\(limit\)\}\) read it once/,
  );

  // Once module.exports is replaced, `exports` is an object nothing imports: not written to again.
  const orphan = exportedAgain(
    'const limit = 10;\nmodule.exports = {};\nexports.limit = limit;\n',
    'const limit = 20;\nmodule.exports = {};\nexports.limit = limit;\n',
  );
  assert.deepEqual(orphan.ran, []);
  assert.match(orphan.notApplied.join('\n'), /line 3 \(exports\.limit = limit\) read it once/);
});

test('a constant computed at startup from a new value is computed again, and what exports it follows; a let, or an object the app may have added to, is named instead', () => {
  const before = [
    'const TIMEOUT_S = 5;',
    'const TIMEOUT_MS = TIMEOUT_S * 1000;',
    'const LABEL = `${TIMEOUT_MS} ms`;',
    'let retries = TIMEOUT_S;',
    'module.exports = { TIMEOUT_MS, LABEL, limits: { timeout: TIMEOUT_MS, note: "n" } };',
    '',
  ].join('\n');
  const { report, code } = patchAfter(
    new LiveModule('/app/settings.js'),
    before,
  )(before.replace('TIMEOUT_S = 5', 'TIMEOUT_S = 9'));
  assert.deepEqual(report.rebound, ['TIMEOUT_S', 'TIMEOUT_MS', 'LABEL']);
  assert.deepEqual(report.ran, ['line 5: module.exports.TIMEOUT_MS, .LABEL, .limits (new values)']);
  // The nested object is a copy of the running one: what the app added to it stays.
  assert.match(
    code,
    /module\.exports\["limits"\]=\{\.\.\.module\.exports\["limits"\],"timeout":__hotpatch\$\.s\.TIMEOUT_MS\};/,
  );
  assert.match(
    report.notApplied.join('\n'),
    /^TIMEOUT_S has a new value, but line 4 \(let retries = TIMEOUT_S\) read it once/,
  );
  new Script(code);
});

test('a frozen object of plain values is made again with the new values, exported whole when a spread is in it; an object that is not frozen is made again only if the module never hands it on', () => {
  const before = [
    "const APP_NAME = 'Articles';",
    'const messages = { welcome: `Welcome to ${APP_NAME}`, notFound: "No such article" };',
    'const ROLES = Object.freeze([APP_NAME, "admin"]);',
    'const shared = { title: APP_NAME };',
    'register(shared);',
    'module.exports = Object.freeze({ ...messages, appName: APP_NAME, roles: ROLES, shared });',
    '',
  ].join('\n');
  const { report, code } = patchAfter(
    new LiveModule('/app/messages.js'),
    before,
  )(before.replace("'Articles'", "'Newsroom'"));
  assert.deepEqual(report.rebound, ['APP_NAME', 'messages', 'ROLES']);
  assert.deepEqual(report.ran, ['line 6: module.exports (new values)']);
  assert.match(code, /Object\.assign\(module\.exports,Object\.freeze\(\{ \.\.\.__hotpatch\$\.s\.messages,/);
  // `shared` went to code the module called: it may hold what that code put in it since.
  assert.match(
    report.notApplied.join('\n'),
    /^APP_NAME has a new value, but line 4 \(const shared = \{ title : APP_NAME \}\) read it once/,
  );
  new Script(code);

  // A module of its own named `Object`: its `freeze` may do anything, so it is code that runs.
  const shadowed = `const Object = { freeze: (o) => o };\n${before}`;
  const own = patchAfter(new LiveModule('/app/shadowed.js'), shadowed)(shadowed.replace("'Articles'", "'Newsroom'"));
  assert.deepEqual(own.report.ran, []);
  assert.match(own.report.notApplied.join('\n'), /line 4 \(const ROLES = Object\.freeze/);
});

test("an ES module's constant computed from a new value is computed again; its `export default <expression>` that read one is named, and an exported object is the app's", () => {
  const before = [
    'export const TIMEOUT_S = 5;',
    'export const TIMEOUT_MS = TIMEOUT_S * 1000;',
    'export const settings = { timeout: TIMEOUT_MS };',
    'const LIMITS = { timeout: TIMEOUT_S };',
    'export default { timeout: TIMEOUT_S, limits: LIMITS.timeout };',
    '',
  ].join('\n');
  const { report, code } = patchAfter(
    new LiveModule('/app/settings.mjs'),
    before,
    'esm',
  )(before.replace('TIMEOUT_S = 5', 'TIMEOUT_S = 9'));
  assert.deepEqual(report.rebound, ['TIMEOUT_S', 'TIMEOUT_MS', 'LIMITS']);
  const named = report.notApplied.join('\n');
  assert.match(
    named,
    /TIMEOUT_MS has a new value, but line 3 \(export const settings = \{ timeout : TIMEOUT_MS \}\) read it once/,
  );
  assert.match(
    named,
    /TIMEOUT_S has a new value, but line 5 \(export default \{ timeout : TIMEOUT_S, limits : LIMITS\.timeout \}\) read it once/,
  );
  new Script(code);
});

test('an array `Object.values` made at startup of an object given new values is made again when the module only reads it (in its functions too); one a function adds to, or hands on, is named', () => {
  const before = [
    "const Role = Object.freeze({ Admin: 'admin', Member: 'member' });",
    'const ROLES = Object.values(Role);',
    'const NAMES = Object.keys(Role);',
    'const SEEN = Object.values(Role);',
    "function valid(role) { return ROLES.includes(role) && NAMES.join(',').length > 0; }",
    'function remember(role) { SEEN.push(role); }',
    'const board = { seen: [], roles: Role };',
    'function pin(role) { board.seen.push(role); }',
    'module.exports = { valid, remember, pin };',
    '',
  ].join('\n');
  const { report, code } = patchAfter(
    new LiveModule('/app/roles.js'),
    before,
  )(before.replace("Member: 'member'", "Member: 'member', Guest: 'guest'"));
  assert.deepEqual(report.rebound, ['Role', 'ROLES', 'NAMES']);
  // SEEN gets what a function adds; `board` is an object a function reaches into: the app's, kept.
  assert.deepEqual(report.notApplied, [
    'Role has a new value, but line 4 (const SEEN = Object.values(Role)), line 7 (const board = { seen :[], roles : Role }) read it once, at startup, and keeps the old one; restart the app to apply it there',
  ]);
  new Script(code);
});

test("esbuild's `0 && (module.exports = …)`, which never runs, read nothing; a statement that runs still did", () => {
  // tsx's and esbuild's CommonJS end with this line, names for Node's export lexer.
  const tail = '0 && (module.exports = { Role, isRole });\n';
  const before = `var Role = { Admin: 'admin' };\nfunction isRole(value) { return Object.values(Role).includes(value); }\nconsole.log(Role);\n${tail}`;
  const { report } = patchAfter(
    new LiveModule('/app/user.js'),
    before,
  )(before.replace("{ Admin: 'admin' }", "{ Admin: 'admin', Guest: 'guest' }"));
  assert.deepEqual(report.rebound, ['Role']);
  // Line 3 logged it once, at startup; line 4 never ran.
  assert.equal(report.notApplied.length, 1, report.notApplied.join('\n'));
  assert.match(report.notApplied[0]!, /^Role has a new value, but line 3 \(console\.log\(Role\)\) read it once/);
});
