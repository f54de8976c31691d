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
