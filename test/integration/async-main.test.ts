/**
 * An async main called where it is written, which listens after its first `await`, as apps
 * that wait for their database start (`(async () => { await db.connect(); …; server.listen(port)
 * })()`). A load that runs it again (a route added in it) reaches that listen after the load is
 * over, no top level running: the module's server, listening on that address, takes the new
 * handler, as it does for a listen a top level makes. Before, the listen failed with
 * EADDRINUSE: this app (`node:http`, no 'error' listener) ended; an Express 5 app, whose listen
 * hands the error to its callback, lived on without the new route.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import type { AgentClient } from 'hotpatch-extension/engine';
import { App } from '../helpers/app';
import { scratchFiles } from '../helpers/scratch';
import { waitFor } from '../helpers/wait';

const route = "    if (req.url === '/hits') return res.end(String(hits.length));";
const appText = [
  "const http = require('node:http');",
  '(async () => {',
  '  await new Promise((resolve) => setTimeout(resolve, 5));',
  '  const hits = [];',
  '  const server = http.createServer((req, res) => {',
  '    hits.push(req.url);',
  route,
  "    res.end('ok');",
  '  });',
  "  server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`LISTENING ${process.env.PORT}`));",
  '})();',
  '',
].join('\n');

/** A port free now, for an app that listens on a port of its own choosing, as real ones do. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

let app: App;
let client: AgentClient;

before(async () => {
  const port = await freePort();
  app = await App.start('cjs', {
    fixture: scratchFiles('async-main', { 'app.js': appText }),
    env: { PORT: String(port) },
  });
  client = await app.connect();
});
after(async () => {
  client.close();
  await app.stop();
});

test("a route added in an async main that listens after an await: the main's new server is handed over", async () => {
  assert.equal(await app.get('/hits'), '1');
  // A statement of the main changed (not only a handler's body): the main runs again.
  const code = appText
    .replace('  const hits = [];', "  const hits = [];\n  const version = '2';")
    .replace(route, `${route}\n    if (req.url === '/version') return res.end(version);`);
  const result = await client.load({ file: app.file('app.js'), code });
  assert.ok(
    result.report.ran.some((line) => line.startsWith('line 2: (async()=>')),
    result.report.ran.join('\n'),
  );
  // The main runs on past its await after the load: its server takes over at its listen.
  await waitFor('the new route to answer on the same port', async () => (await app.get('/version')) === '2');
  assert.doesNotMatch(app.output.stderr, /EADDRINUSE/);
});
