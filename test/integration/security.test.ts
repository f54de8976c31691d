/**
 * The agent is a code-execution port by design: against a real app, every upgrade that does
 * not come from this machine, from a non-browser client, with the token, is refused with a
 * status and a reason — and after each refusal the app still serves its old code and a
 * correct client still connects. Also: what the discovery file reveals and to whom, where the
 * agent listens, that the file goes away with the app, and that the agent stays out of
 * production.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AgentClient } from 'hotpatch-extension/engine';
import { App, type AppKind } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { BareApp, RawRpc, rawUpgrade } from '../helpers/raw';
import { waitFor } from '../helpers/wait';

/** The fixture's greeting is still version 1 and its other module's state still counts. */
async function assertStillServes(app: { get(path: string): Promise<string> }): Promise<void> {
  assert.equal(await app.get('/greet?name=ann'), 'hello, ann');
  const hits = Number(await app.get('/hits'));
  assert.ok(hits >= 1, `hits is a count, not ${hits}`);
  assert.equal(await app.get('/hits'), String(hits + 1), '/hits must keep counting');
}

/** A correct client still gets in, performs the handshake and sees the startup version. */
async function assertCorrectClientConnects(app: App): Promise<void> {
  const client = await app.connect();
  try {
    assert.equal(client.info.pid, app.child.pid);
    const greeting = (await client.modules()).find((m) => m.file === app.file('greeting.js'));
    assert.equal(greeting?.current.seq, 1, 'no refused request may have loaded anything');
  } finally {
    client.close();
  }
}

describe('WebSocket upgrades to the agent', () => {
  let app: App;
  let auth: string;
  before(async () => {
    app = await App.start('cjs');
    auth = `Bearer ${app.record.token}`;
  });
  after(() => app.stop());

  test('accepted: a loopback Host with the token (the refusals below are not everything refused)', async () => {
    const port = new URL(app.record.url).port;
    for (const host of [`127.0.0.1:${port}`, 'localhost', `localhost:${port}`, '127.0.0.1', `[::1]:${port}`]) {
      assert.equal((await rawUpgrade(app.record.url, { host, Authorization: auth })).status, 101, host);
    }
  });

  test('no token: 401 naming the missing token', async () => {
    const reply = await rawUpgrade(app.record.url, {});
    assert.equal(reply.status, 401);
    assert.match(reply.body, /missing token: send Authorization: Bearer <token> from the discovery file/);
    await assertStillServes(app);
    await assertCorrectClientConnects(app);
  });

  test('a token somewhere other than Authorization: Bearer: 401 missing token', async () => {
    const basic = `Basic ${Buffer.from(`hotpatch:${app.record.token}`).toString('base64')}`;
    for (const headers of [{ Authorization: basic }, { Authorization: app.record.token }, { Cookie: auth }]) {
      const reply = await rawUpgrade(app.record.url, headers);
      assert.equal(reply.status, 401, JSON.stringify(headers));
      assert.match(reply.body, /missing token/);
    }
    const inQuery = await rawUpgrade(`${app.record.url}/?token=${app.record.token}`, {});
    assert.equal(inQuery.status, 401);
    await assertStillServes(app);
  });

  test('wrong token: 401 wrong token, echoing neither token', async () => {
    const token = app.record.token;
    const oneOff = `${token.slice(0, -1)}${token.endsWith('0') ? '1' : '0'}`;
    for (const wrong of [oneOff, token.slice(0, 32), `${token}00`, 'x']) {
      const reply = await rawUpgrade(app.record.url, { Authorization: `Bearer ${wrong}` });
      assert.equal(reply.status, 401, wrong);
      assert.equal(reply.body.trim(), 'hotpatch agent: wrong token');
    }
    await assertStillServes(app);
    await assertCorrectClientConnects(app);
  });

  test('the engine client reports a refusal with the status and the reason', async () => {
    await assert.rejects(
      AgentClient.connect(app.record.url, 'f'.repeat(64)),
      /refused the connection: 401 .*wrong token/,
    );
  });

  for (const host of [
    'evil.example',
    'evil.example:80',
    'localhost6',
    'localhost.evil.example',
    '127.0.0.1.evil.example',
    '10.0.2.555',
    '0177.0.0.1',
    '0x7f.0.0.1',
    '2130706433',
    '127.1',
    '[::ffff:127.0.0.1]',
  ]) {
    test(`Host '${host}', even with the token: 403 naming the Host`, async () => {
      const reply = await rawUpgrade(app.record.url, { host, Authorization: auth });
      assert.equal(reply.status, 403);
      assert.equal(reply.body.trim(), `hotpatch agent: Host header '${host}' is not a loopback name or address`);
      await assertStillServes(app);
      await assertCorrectClientConnects(app);
    });
  }

  test('no Host header at all: 403', async () => {
    const reply = await rawUpgrade(app.record.url, { host: undefined, Authorization: auth });
    assert.equal(reply.status, 403);
    assert.match(reply.body, /Host header '' is not a loopback name or address/);
    await assertStillServes(app);
  });

  for (const origin of ['https://evil.example', 'http://localhost:3000', 'http://127.0.0.1', 'null']) {
    test(`a browser Origin '${origin}', even with the token and a loopback Host: 403`, async () => {
      const reply = await rawUpgrade(app.record.url, { Origin: origin, Authorization: auth });
      assert.equal(reply.status, 403);
      assert.equal(reply.body.trim(), `hotpatch agent: requests from a browser (Origin '${origin}') are refused`);
      await assertStillServes(app);
      await assertCorrectClientConnects(app);
    });
  }

  test('plain HTTP requests: 426, pointing at WebSocket', async () => {
    const http = app.record.url.replace(/^ws:/, 'http:');
    for (const method of ['GET', 'POST']) {
      const response = await fetch(`${http}/`, { method, body: method === 'POST' ? '{}' : undefined });
      assert.equal(response.status, 426, method);
      assert.match(await response.text(), /connect with a WebSocket/);
    }
    await assertStillServes(app);
    await assertCorrectClientConnects(app);
  });
});

describe('per-connection limits', () => {
  test('more than 16 open connections: 503; a closed one frees its place', async () => {
    const app = await App.start('cjs');
    after(() => app.stop());
    const open: RawRpc[] = [];
    after(() => open.forEach((socket) => socket.close()));
    for (let i = 0; i < 16; i++) open.push(await RawRpc.open(app.record.url, app.record.token));

    const reply = await rawUpgrade(app.record.url, { Authorization: `Bearer ${app.record.token}` });
    assert.equal(reply.status, 503);
    assert.equal(reply.body.trim(), 'hotpatch agent: too many connections (limit 16)');
    await assertStillServes(app);

    open.pop()!.close();
    const client = await waitFor('a place to free up', () => app.connect().catch(() => undefined));
    client.close();
    // The connections kept open are still served.
    assert.equal((await open[0]!.initialize()).error, undefined);
  });
});

describe('discovery and listening', () => {
  let app: App;
  before(async () => {
    app = await App.start('cjs');
  });
  after(() => app.stop());

  test(
    'the discovery file is 0600 in a 0700 folder, only for this user',
    { skip: process.platform === 'win32' },
    () => {
      const file = join(app.discoveryDir, `${app.child.pid}.json`);
      assert.equal((statSync(file).mode & 0o777).toString(8), '600');
      assert.equal((statSync(app.discoveryDir).mode & 0o777).toString(8), '700');
      assert.deepEqual(
        readdirSync(app.discoveryDir),
        [`${app.child.pid}.json`],
        'no temporary file is left beside the record',
      );
    },
  );

  test('the record names this process, a loopback URL and a 256-bit hex token', () => {
    const record = app.record;
    assert.equal(record.pid, app.child.pid);
    assert.match(record.token, /^[0-9a-f]{64}$/);
    assert.match(record.url, /^ws:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(record.root, app.dir);
    assert.equal(record.protocolVersion, 1);
  });

  test('two apps get different tokens', async () => {
    const other = await App.start('cjs');
    after(() => other.stop());
    assert.notEqual(other.record.token, app.record.token);
  });

  test('the agent listens on 127.0.0.1 only', async () => {
    const port = Number(new URL(app.record.url).port);
    if (process.platform === 'linux') {
      // Every listening socket on the agent's port, from the kernel's own tables.
      const listeners = (table: string): string[] =>
        readFileSync(table, 'utf8')
          .split('\n')
          .slice(1)
          .map((line) => line.trim().split(/\s+/))
          .filter((f) => f[3] === '0A' && Number.parseInt(f[1]?.split(':').at(-1) ?? '', 16) === port)
          .map((f) => f[1]!.split(':')[0]!);
      assert.deepEqual(listeners('/proc/net/tcp'), ['0100007F'], 'only 127.0.0.1 (0100007F) listens on the port');
      if (existsSync('/proc/net/tcp6')) assert.deepEqual(listeners('/proc/net/tcp6'), [], 'no IPv6 listener');
    }
    // Nothing answers on the IPv6 loopback either, which a dual-stack '::' listener would.
    const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      const socket = connect({ host: '::1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(undefined);
      });
      socket.once('error', resolve);
    });
    assert.ok(error, `[::1]:${port} must not accept connections`);
    assert.match(String(error.code), /ECONNREFUSED|EADDRNOTAVAIL|ENETUNREACH|EAFNOSUPPORT/);
  });
});

describe('the discovery file goes away with the app', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`on ${signal}`, async () => {
      const app = await App.start('cjs');
      after(() => app.stop());
      const file = join(app.discoveryDir, `${app.child.pid}.json`);
      assert.ok(existsSync(file));
      const exited = new Promise<NodeJS.Signals | null>((resolve) => app.child.once('exit', (_code, s) => resolve(s)));
      app.child.kill(signal);
      assert.equal(await exited, signal, 'the app still dies of the signal, as it would without the agent');
      assert.equal(existsSync(file), false, `${file} must be removed on ${signal}`);
      assert.deepEqual(readdirSync(app.discoveryDir), []);
    });
  }

  test('after SIGKILL the stale file is skipped and removed by the CLI', async () => {
    const app = await App.start('cjs');
    after(() => app.stop());
    const file = join(app.discoveryDir, `${app.child.pid}.json`);
    const exited = new Promise((resolve) => app.child.once('exit', resolve));
    app.child.kill('SIGKILL');
    await exited;
    assert.ok(existsSync(file), 'nothing can run on SIGKILL');
    const cli = await runCli(['ls'], app.discoveryDir);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /no running agents/);
    assert.equal(existsSync(file), false);
  });
});

describe('where the agent refuses to start, the app still runs', () => {
  for (const kind of ['cjs', 'esm'] as AppKind[]) {
    test(`${kind}: NODE_ENV=production`, async () => {
      const app = await BareApp.start(kind, { NODE_ENV: 'production' });
      after(() => app.stop());
      const line = await waitFor('the refusal on stderr', () => /^\[hotpatch\].*$/m.exec(app.stderr)?.[0]);
      assert.equal(
        line,
        '[hotpatch] agent not started: hotpatch agent refuses to start under NODE_ENV=production; ' +
          'pass allowProduction: true or set HOTPATCH_ALLOW_PRODUCTION=1',
      );
      assert.equal(existsSync(app.discoveryDir), false, 'no discovery file, not even its folder');
      await assertStillServes(app);
    });
  }

  test('NODE_ENV=production with HOTPATCH_ALLOW_PRODUCTION=1: the agent starts and loads', async () => {
    const app = await App.start('cjs', { env: { NODE_ENV: 'production', HOTPATCH_ALLOW_PRODUCTION: '1' } });
    after(() => app.stop());
    const client = await app.connect();
    after(() => client.close());
    await client.load({ file: app.file('greeting.js'), code: 'exports.greet = (n) => `prod, ${n}`;' });
    assert.equal(await app.get('/greet?name=ann'), 'prod, ann');
  });

  test('HOTPATCH_HOST=0.0.0.0: refused, the agent never listens beyond loopback', async () => {
    const app = await BareApp.start('cjs', { HOTPATCH_HOST: '0.0.0.0' });
    after(() => app.stop());
    const line = await waitFor('the refusal on stderr', () => /^\[hotpatch\].*$/m.exec(app.stderr)?.[0]);
    assert.match(line, /agent not started: hotpatch agent: host '0\.0\.0\.0' is not loopback/);
    assert.equal(existsSync(app.discoveryDir), false);
    await assertStillServes(app);
  });
});
