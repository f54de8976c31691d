/**
 * The discovery folder decides where clients send source, with which token: a real agent does
 * not announce itself in a folder another user owns or can write to, and the real CLI and the
 * real language server read only this user's 0600 regular files, of bounded size, naming a
 * loopback ws:// URL — never blocking on a FIFO nor reading /dev/zero through a symlink — and
 * say in their logs what they ignored and why. Where the test runs as root, a second user
 * (nobody, uid 65534) owns the hostile folder and records; elsewhere those tests are skipped.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as ext from '../../extension/src/shared/lsp-extensions';
import { runCli } from '../helpers/cli';
import { FakeAgent } from '../helpers/fake-agent';
import { LspSession } from '../helpers/lsp';
import { tmpRoot } from '../helpers/paths';
import { BareApp } from '../helpers/raw';
import { waitFor } from '../helpers/wait';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const OTHER_UID = 65534;
const asRoot = isRoot ? {} : { skip: 'needs root to give files to a second user (uid 65534)' };
const posix = process.platform === 'win32' ? { skip: 'file modes and owners are POSIX' } : {};

function scratch(name: string): string {
  mkdirSync(tmpRoot, { recursive: true });
  const dir = mkdtempSync(join(tmpRoot, `${name}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('the agent refuses a folder it cannot trust', posix, () => {
  async function startIn(discoveryDir: string): Promise<BareApp> {
    const app = await BareApp.start('cjs', { HOTPATCH_DISCOVERY_DIR: discoveryDir });
    after(() => app.stop());
    await waitFor('the agent to warn', () => app.stderr.includes('not announcing this app'));
    return app;
  }

  test('a folder others can write to (0777): warned, no record, the app serves', async () => {
    const dir = join(scratch('open-folder'), 'agents');
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    const app = await startIn(dir);
    assert.match(app.stderr, /other users can write to it \(mode 777\); run chmod 700/);
    assert.deepEqual(readdirSync(dir), []);
    assert.equal(await app.get('/greet?name=ann'), 'hello, ann');
  });

  test('a folder owned by another user: warned, no record', asRoot, async () => {
    const dir = join(scratch('foreign-folder'), 'agents');
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, OTHER_UID, OTHER_UID);
    const app = await startIn(dir);
    assert.match(app.stderr, new RegExp(`belongs to uid ${OTHER_UID}`));
    assert.deepEqual(readdirSync(dir), []);
    assert.equal(await app.get('/greet?name=ann'), 'hello, ann');
  });

  test('a folder it creates is 0700, and so are the folders above it it creates', async () => {
    const base = scratch('created');
    const app = await BareApp.start('cjs', { HOTPATCH_DISCOVERY_DIR: join(base, 'a', 'b') });
    after(() => app.stop());
    await waitFor('the record', () => readdirSync(join(base, 'a', 'b')).length === 1);
    for (const dir of [join(base, 'a'), join(base, 'a', 'b')]) {
      assert.equal((statSync(dir).mode & 0o777).toString(8), '700', dir);
    }
  });
});

describe('clients read only records they can trust', posix, () => {
  let base: string;
  let dir: string;
  let agent: FakeAgent;
  let fifo = false;
  const refused: [string, string, RegExp][] = [];
  const write = (name: string, content: string, mode = 0o600): string => {
    const file = join(dir, name);
    writeFileSync(file, content, { mode });
    chmodSync(file, mode);
    return file;
  };
  const record = (overrides: object) => JSON.stringify({ ...agent.record, ...overrides });

  before(async () => {
    base = mkdtempSync(join(tmpRoot, 'trust-'));
    dir = join(base, 'agents');
    agent = await FakeAgent.start(dir);
    write('1000001.json', record({}), 0o644);
    refused.push(['a 0644 record', '1000001.json', /its mode is 644, not 600/]);
    write('1000002.json', record({}) + ' '.repeat(70_000));
    refused.push(['a record over 64 KiB', '1000002.json', /bytes, more than 65536/]);
    symlinkSync('/dev/zero', join(dir, '1000003.json'));
    refused.push(['a symlink to /dev/zero', '1000003.json', /symbolic link/]);
    for (const [n, url] of [
      [4, 'ws+unix:///tmp/hotpatch.sock'],
      [5, 'wss://example.com:443'],
      [6, 'ws://10.0.0.1:7400'],
      [7, 'ws://127.0.0.1'],
      [8, 'ws://user:pw@127.0.0.1:7400'],
      [9, 'http://127.0.0.1:7400'],
    ] as const) {
      write(`100000${n}.json`, record({ url }));
      refused.push([
        `the URL ${url}`,
        `100000${n}.json`,
        /is not ws:\/\/ to 127\.0\.0\.1, \[::1\] or localhost with a port/,
      ]);
    }
    write('1000010.json', record({ token: 'a b\r\nX-Evil: 1' }));
    refused.push(['a token with a header in it', '1000010.json', /"token" is not a token/]);
    try {
      execFileSync('mkfifo', [join(dir, '1000011.json')]);
      fifo = true;
      refused.push(['a FIFO', '1000011.json', /not a regular file/]);
    } catch {
      // no mkfifo here: the FIFO case is skipped below
    }
    if (isRoot) {
      chownSync(write('1000012.json', record({})), OTHER_UID, OTHER_UID);
      refused.push(['a record of another user', '1000012.json', new RegExp(`belongs to uid ${OTHER_UID}`)]);
    }
  });
  after(async () => {
    await agent?.stop();
    rmSync(base, { recursive: true, force: true });
  });

  test('hotpatch ls: only the real agent, every other record named with its reason, no hang', async () => {
    const result = await runCli(['ls'], dir);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.match(/fake-app \(pid/g)?.length, 1, result.stdout);
    for (const [what, name, reason] of refused) {
      const line = result.stderr.split('\n').find((l) => l.includes(join(dir, name)));
      assert.ok(line, `${what}: named in ${result.stderr}`);
      assert.match(line, reason, what);
    }
    assert.equal(agent.requests('agent/initialize').length, 1, 'one connection: to the real record only');
  });

  test('the FIFO does not block the CLI', async (t) => {
    if (!fifo) return t.skip('no mkfifo on this machine');
    const result = await runCli(['ps'], dir);
    assert.equal(result.code, 0, result.stderr);
  });

  test('the language server: connects to the real agent only and logs each refusal once', async () => {
    const lsp = await LspSession.start(dir, { discoveryDir: dir });
    try {
      const tree = await waitFor('the language server to connect', async () => {
        const { agents } = await lsp.connection.sendRequest(ext.treeRequest);
        return agents.some((a) => a.state === 'connected') && agents;
      });
      assert.deepEqual(
        tree.map((a) => a.url),
        [agent.record.url],
      );
      for (const [what, name, reason] of refused) {
        const lines = lsp.log.filter((l) => l.includes(join(dir, name)));
        assert.equal(lines.length, 1, `${what}: logged once, in ${lsp.log.join('\n')}`);
        assert.match(lines[0]!, reason, what);
      }
    } finally {
      await lsp.stop();
    }
  });

  test('a folder others can write to is not read at all', async () => {
    chmodSync(dir, 0o777);
    try {
      const result = await runCli(['ls'], dir);
      assert.match(result.stderr, /ignoring the discovery folder .*other users can write to it \(mode 777\)/);
      assert.match(result.stdout, /no running agents/);
    } finally {
      chmodSync(dir, 0o700);
    }
  });

  test('a folder owned by another user is not read at all', asRoot, async () => {
    chownSync(dir, OTHER_UID, OTHER_UID);
    try {
      const result = await runCli(['ls'], dir);
      assert.match(result.stderr, new RegExp(`ignoring the discovery folder .*belongs to uid ${OTHER_UID}`));
      assert.match(result.stdout, /no running agents/);
    } finally {
      chownSync(dir, process.getuid!(), process.getgid!());
    }
  });

  test('a symlinked folder is not read at all', async () => {
    const link = join(base, 'link');
    symlinkSync(dir, link);
    const result = await runCli(['ls'], link);
    assert.match(result.stderr, /ignoring the discovery folder .*symbolic link/);
    assert.ok(existsSync(agent.file));
  });
});
