/**
 * What the agent costs an app at startup (issue 13): the WebSocket and JSON-RPC libraries and
 * the protocol's schemas load with the first client, not with the app. And that client, and
 * every later one, is served as before.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { App } from '../helpers/app';

test('zod, ws and vscode-jsonrpc load when the first client connects, not when the app starts', async () => {
  const app = await App.start('cjs', { fixture: 'loaded-libraries' });
  after(() => app.stop());
  assert.equal(await app.get('/'), '', 'none of them is loaded before a client connects');

  const first = await app.connect();
  after(() => first.close());
  assert.deepEqual(
    (await first.modules()).map((m) => m.file),
    [app.file('app.js')],
  );
  assert.equal(await app.get('/'), 'vscode-jsonrpc,ws,zod');

  const second = await app.connect();
  after(() => second.close());
  assert.equal((await second.modules()).length, 1, 'a second client is served by the same handlers');
});

test("an ES module's first version, whose tables are read at its first load, takes a load and a rollback to it", async () => {
  const app = await App.start('esm');
  after(() => app.stop());
  const client = await app.connect();
  after(() => client.close());
  const file = app.file('greeting.mjs');
  const greeter = (vsn: string, word: string): string =>
    `export const vsn = '${vsn}';\nexport class Greeter {\n  greet(name) {\n    return \`${word}, \${name}\`;\n  }\n}\n` +
    `const greeter = new Greeter();\nexport function greet(name) {\n  return greeter.greet(name);\n}\n`;

  await client.load({ file, code: greeter('2', 'hi') });
  assert.equal(await app.get('/greet?name=ann'), 'hi, ann');

  await client.rollback({ files: [file] });
  assert.equal(await app.get('/greet?name=ann'), 'hello, ann', 'back to the version the app started with');
  assert.equal((await client.modules()).find((m) => m.file === file)?.current.vsn, '1');

  await client.load({ file, code: greeter('3', 'hey') });
  assert.equal(await app.get('/greet?name=ann'), 'hey, ann');
});
