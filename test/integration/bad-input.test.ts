/**
 * Nothing a client sends may crash the app or change what it runs: against real app
 * processes, every bad load and every malformed message gets a JSON-RPC error with a clear
 * message, and afterwards the app still serves its old code (`hello, ann`), the state of its
 * other modules still counts, and the connection (or a new one) still works. The same through
 * the CLI, with errors located in the file the user edited.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AgentError, type AgentClient } from 'hotpatch-extension/engine';
import type { LoadErrorData } from 'hotpatch-agent/protocol';
import { App, appKinds, type AppKind } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { nodeRuntimes } from '../helpers/paths';
import { RawRpc } from '../helpers/raw';
import { waitFor } from '../helpers/wait';

const LoadFailed = -32011;
const UnknownModule = -32010;
const NotInitialized = -32002;
const ProtocolMismatch = -32003;
const ParseError = -32700;
const InvalidRequest = -32600;
const MethodNotFound = -32601;
const InvalidParams = -32602;

/** The fixture's greeting is still version 1 and its other module's state still counts. */
async function assertStillServes(app: App): Promise<void> {
  assert.equal(await app.get('/greet?name=ann'), 'hello, ann');
  const hits = Number(await app.get('/hits'));
  assert.ok(hits >= 1, `hits is a count, not ${hits}`);
  assert.equal(await app.get('/hits'), String(hits + 1), '/hits must keep counting');
}

/** The request fails with an AgentError of `code` whose message matches every pattern. */
async function assertAgentError(request: Promise<unknown>, code: number, ...patterns: RegExp[]): Promise<AgentError> {
  const error = await request.then(
    (result) => assert.fail(`expected error ${code}, got ${JSON.stringify(result)}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof AgentError, `an AgentError, not ${String(error)}`);
  assert.equal(error.code, code, error.message);
  for (const pattern of patterns) assert.match(error.message, pattern);
  return error;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The module is still at its startup version with no old one: the failed load changed nothing. */
async function assertUnchanged(client: AgentClient, file: string): Promise<void> {
  const module = (await client.modules()).find((m) => m.file === file);
  assert.ok(module, `${file} is listed`);
  assert.deepEqual([module.current.vsn, module.current.seq, module.old], ['1', 1, null]);
}

const LOAD_KINDS: AppKind[] = ['cjs', 'esm', 'tsx', 'ts-cjs'];

/** `name = value` as an export in the module format of `kind`'s greeting module (ES modules for esm and tsx). */
function exported(kind: AppKind, name: string, value: string): string {
  return kind === 'esm' || kind === 'tsx' ? `export const ${name} = ${value};` : `exports.${name} = ${value};`;
}

for (const runtime of nodeRuntimes()) {
  describe(`node ${runtime.major}`, () => {
    for (const kind of LOAD_KINDS) {
      describe(`${kind}: bad loads through the protocol`, () => {
        let app: App;
        let client: AgentClient;
        let file: string;
        before(async () => {
          app = await App.start(kind, { runtime });
          client = await app.connect();
          file = app.file(appKinds[kind].greeting);
        });
        after(async () => {
          client?.close();
          await app?.stop();
        });

        test('a syntax error: LoadFailed naming file, line and column', async () => {
          const code = `${exported(kind, 'vsn', "'2'")}\n${exported(kind, 'greet', "function (name) {\n  return 'oops, ' + (name;\n}")}\n`;
          const error = await assertAgentError(
            client.load({ file, code }),
            LoadFailed,
            new RegExp(`^${escape(file)}:3:\\d+: syntax error: `),
          );
          const data = error.data as LoadErrorData;
          assert.deepEqual([data.kind, data.file, data.line], ['syntax', file, 3]);
          assert.ok(data.column !== undefined && data.column > 1, `a column, not ${data.column}`);
          await assertStillServes(app);
          await assertUnchanged(client, file);
        });

        test('a throwing top level: LoadFailed with file:line:column and the thrown message', async () => {
          const code = [
            exported(kind, 'vsn', "'2'"),
            exported(kind, 'greet', "(name) => 'oops, ' + name"),
            "const table = { entries: ['a'] };",
            'if (table.entries.length < 2) throw new RangeError(`need 2 entries, have ${table.entries.length}`);',
            '',
          ].join('\n');
          const error = await assertAgentError(
            client.load({ file, code }),
            LoadFailed,
            new RegExp(`^${escape(file)}:4:37: top level threw: need 2 entries, have 1$`),
          );
          assert.deepEqual([(error.data as LoadErrorData).kind, (error.data as LoadErrorData).line], ['evaluation', 4]);
          await assertStillServes(app);
          await assertUnchanged(client, file);
        });

        test('a top level that throws a non-Error: LoadFailed naming the file and the value', async () => {
          await assertAgentError(
            client.load({ file, code: `${exported(kind, 'greet', "() => 'oops'")}\nthrow 'not an Error';\n` }),
            LoadFailed,
            new RegExp(`^${escape(file)}.*top level threw: non-error value thrown: not an Error$`),
          );
          await assertStillServes(app);
        });

        test('a top level that throws after starting an interval leaves nothing running', async () => {
          const leak = `__hotpatchLeak_${kind.replace('-', '_')}`;
          await assertAgentError(
            client.load({
              file,
              code: `setInterval(() => { globalThis.${leak} = (globalThis.${leak} ?? 0) + 1; }, 1);\nthrow new Error('after the interval');\n`,
            }),
            LoadFailed,
            /top level threw: after the interval/,
          );
          await assertStillServes(app);
          // A good version with its own 1 ms interval: once it ticked many times, a leaked one would have too.
          const probe = `__hotpatchProbe_${kind.replace('-', '_')}`;
          await client.load({
            file,
            code: [
              exported(kind, 'vsn', "'2'"),
              `setInterval(() => { globalThis.${probe} = (globalThis.${probe} ?? 0) + 1; }, 1);`,
              exported(
                kind,
                'greet',
                `(name) => name === 'ticks' ? \`\${globalThis.${leak} ?? 0}/\${globalThis.${probe} ?? 0}\` : \`hello, \${name}\``,
              ),
            ].join('\n'),
          });
          const ticks = await waitFor('the probe interval to tick 20 times', async () => {
            const [leaked, probed] = (await app.get('/greet?name=ticks')).split('/').map(Number);
            return probed! >= 20 && { leaked, probed };
          });
          assert.equal(ticks.leaked, 0, 'the failed version’s interval must have been cleared');
          assert.equal(await app.get('/greet?name=ann'), 'hello, ann');
          // Back to a version 1 lookalike for the tests after this one.
          await client.load({
            file,
            code: `${exported(kind, 'vsn', "'1'")}\n${exported(kind, 'greet', '(name) => `hello, ${name}`')}\n`,
          });
          await client.purge(file);
        });

        test('a file the app never loaded: UnknownModule, not a hot module', async () => {
          const error = await assertAgentError(
            client.load({ file: app.file('nope.js'), code: 'exports.x = 1;' }),
            UnknownModule,
            new RegExp(`^${escape(app.file('nope.js'))} is not a hot module of this app: the app has not loaded it`),
          );
          assert.equal(error.data, undefined);
          await assertStillServes(app);
        });

        test('a file in node_modules: UnknownModule, never hot', async () => {
          const inNodeModules = app.file('node_modules/left-pad/index.js');
          await assertAgentError(
            client.load({ file: inNodeModules, code: 'module.exports = () => "pwned";' }),
            UnknownModule,
            new RegExp(
              `^${escape(inNodeModules)} is not a hot module of this app: files in node_modules are never hot$`,
            ),
          );
          const ws = join(app.dir, '..', '..', '..', 'node_modules', 'ws', 'index.js');
          await assertAgentError(
            client.load({ file: ws, code: 'module.exports = {};' }),
            UnknownModule,
            /is not a hot module of this app/,
          );
          await assertStillServes(app);
        });

        test('a file outside the root or a relative path: UnknownModule', async () => {
          for (const outside of ['/etc/hosts.js', appKinds[kind].greeting, `${app.dir}/../x.js`]) {
            await assertAgentError(
              client.load({ file: outside, code: 'exports.x = 1;' }),
              UnknownModule,
              /is not a hot module of this app: it is outside the app root .* or excluded/,
            );
          }
          await assertStillServes(app);
        });

        test('after all that, a good version loads as version 2', async () => {
          const result = await client.load({
            file,
            code: `${exported(kind, 'vsn', "'good'")}\n${exported(kind, 'greet', '(name) => `good, ${name}`')}\n`,
          });
          assert.equal(result.module.current.vsn, 'good');
          assert.equal(await app.get('/greet?name=ann'), 'good, ann');
        });
      });
    }

    for (const kind of ['cjs', 'esm'] as AppKind[]) {
      describe(`${kind}: malformed messages on the wire`, () => {
        let app: App;
        let raw: RawRpc;
        let file: string;
        before(async () => {
          app = await App.start(kind, { runtime, env: { HOTPATCH_MAX_PAYLOAD: '65536' } });
          file = app.file(appKinds[kind].greeting);
        });
        after(async () => {
          raw?.close();
          await app?.stop();
        });

        test('a request before agent/initialize: NotInitialized; the handshake still works after', async () => {
          raw = await RawRpc.open(app.record.url, app.record.token);
          for (const [method, params] of [
            ['agent/modules', {}],
            ['agent/load', { file, code: "exports.greet = () => 'pwned';" }],
          ] as const) {
            const reply = await raw.request(method, params);
            assert.equal(reply.error?.code, NotInitialized, method);
            assert.equal(reply.error.message, 'send agent/initialize first');
          }
          await assertStillServes(app);
        });

        test('another protocol version: ProtocolMismatch naming both; still not initialized', async () => {
          const reply = await raw.initialize(999);
          assert.equal(reply.error?.code, ProtocolMismatch);
          assert.equal(reply.error.message, 'protocol version 999 is not supported; this agent speaks 1');
          assert.equal((await raw.request('agent/modules', {})).error?.code, NotInitialized);
          const ok = await raw.initialize();
          assert.equal(ok.error, undefined);
          assert.equal((ok.result as { pid: number }).pid, app.child.pid);
        });

        test('malformed JSON: a -32700 reply, and the connection stays usable', async () => {
          for (const frame of [
            '{"jsonrpc": "2.0", "id": 1, ',
            '',
            '{"jsonrpc":"2.0","id":1,"method":"agent/modules",}',
          ]) {
            raw.send(frame);
            const reply = await raw.next(`the parse error for ${JSON.stringify(frame)}`);
            assert.equal(reply.id, null);
            assert.equal(reply.error?.code, ParseError);
            assert.match(reply.error.message, /^Parse error: /);
          }
          assert.ok(((await raw.request('agent/modules', {})).result as { modules: unknown[] }).modules.length >= 3);
          await assertStillServes(app);
        });

        const invalid: [string, string, RegExp, unknown][] = [
          ['a number', '42', /a message must be a JSON object/, null],
          ['a string', '"agent/modules"', /a message must be a JSON object/, null],
          ['null', 'null', /a message must be a JSON object/, null],
          ['an empty batch', '[]', /batches are not supported/, null],
          [
            'a batch',
            JSON.stringify([{ jsonrpc: '2.0', id: 90, method: 'agent/modules', params: {} }]),
            /batches are not supported/,
            null,
          ],
          [
            'no jsonrpc',
            JSON.stringify({ id: 91, method: 'agent/modules', params: {} }),
            /"jsonrpc" must be "2.0"/,
            91,
          ],
          [
            'jsonrpc 1.0',
            JSON.stringify({ jsonrpc: '1.0', id: 92, method: 'agent/modules', params: {} }),
            /"jsonrpc" must be "2.0"/,
            92,
          ],
          [
            'an object id',
            JSON.stringify({ jsonrpc: '2.0', id: { x: 1 }, method: 'agent/modules' }),
            /"id" must be a string, a number or null/,
            null,
          ],
          [
            'a numeric method',
            JSON.stringify({ jsonrpc: '2.0', id: 93, method: 7 }),
            /"method" must be a non-empty string/,
            93,
          ],
          [
            'params null',
            JSON.stringify({ jsonrpc: '2.0', id: 94, method: 'agent/modules', params: null }),
            /"params" must be an object or an array/,
            94,
          ],
          ['no method, no result', JSON.stringify({ jsonrpc: '2.0', id: 95 }), /neither a request/, 95],
        ];
        for (const [what, frame, message, id] of invalid) {
          test(`${what}: an Invalid Request (-32600) reply, connection usable`, async () => {
            raw.send(frame);
            const reply = await raw.next(`the reply to ${what}`);
            assert.deepEqual([reply.jsonrpc, reply.id, reply.error?.code], ['2.0', id, InvalidRequest]);
            assert.match(reply.error!.message, /^Invalid Request: /);
            assert.match(reply.error!.message, message);
            assert.equal((await raw.request('agent/modules', {})).error, undefined);
          });
        }

        test('a binary frame: an Invalid Request reply', async () => {
          raw.socket.send(Buffer.from('{"jsonrpc":"2.0","id":96,"method":"agent/modules"}'), { binary: true });
          const reply = await raw.next('the reply to a binary frame');
          assert.equal(reply.error?.code, InvalidRequest);
          assert.match(reply.error.message, /binary frames are not JSON-RPC/);
          await assertStillServes(app);
        });

        test('an unknown method: MethodNotFound naming it', async () => {
          const reply = await raw.request('agent/format-disk', {});
          assert.equal(reply.error?.code, MethodNotFound);
          assert.match(reply.error.message, /agent\/format-disk/);
          assert.equal((await raw.request('agent/modules', {})).error, undefined);
        });

        test('a request without params means {}', async () => {
          const reply = await raw.request('agent/modules');
          assert.equal(reply.error, undefined, reply.error?.message);
          assert.ok((reply.result as { modules: unknown[] }).modules.length >= 3);
        });

        test('positional params: InvalidParams', async () => {
          for (const params of [[], [{}], [{ file, code: "exports.greet = () => 'pwned';" }]]) {
            const reply = await raw.request('agent/load', params);
            assert.equal(reply.error?.code, InvalidParams, JSON.stringify(params));
            assert.match(reply.error.message, /takes its params by name/);
          }
          await assertStillServes(app);
        });

        test('wrong param types: InvalidParams naming the field', async () => {
          const cases: [string, object, RegExp][] = [
            ['agent/load', { file: 42, code: 'x' }, /agent\/load: .*expected string, received number\s+→ at file/s],
            ['agent/load', { file }, /expected string, received undefined\s+→ at code/s],
            ['agent/load', { file, code: 'x', origin: 'hacker' }, /→ at origin/],
            ['agent/load', { file: '', code: 'x' }, /→ at file/],
            ['agent/load', { file, code: 'x', extra: true }, /Unrecognized key: "extra"/],
            ['agent/load', { file: 'x'.repeat(5000), code: 'x' }, /→ at file/],
            ['agent/source', { file, version: 'older' }, /→ at version/],
            ['agent/purge', { file: ['a'] }, /→ at file/],
            ['agent/modules', { all: true }, /Unrecognized key: "all"/],
            ['agent/initialize', { protocolVersion: '1', client: {} }, /→ at protocolVersion/],
          ];
          for (const [method, params, message] of cases) {
            const reply = await raw.request(method, params);
            assert.equal(reply.error?.code, InvalidParams, `${method} ${JSON.stringify(params).slice(0, 80)}`);
            assert.match(reply.error.message, message);
          }
          await assertStillServes(app);
        });

        test('requests as notifications and stray responses are ignored; nothing loads', async () => {
          raw.send({ jsonrpc: '2.0', method: 'agent/load', params: { file, code: "exports.greet = () => 'pwned';" } });
          raw.send({ jsonrpc: '2.0', method: 'agent/nothing-like-this', params: {} });
          raw.send({ jsonrpc: '2.0', id: 4242, result: { ok: true } });
          raw.send({ jsonrpc: '2.0', id: 4243, error: { code: 1, message: 'x' } });
          const reply = await raw.request('agent/modules', {});
          const greeting = (reply.result as { modules: { file: string; current: { seq: number } }[] }).modules.find(
            (m) => m.file === file,
          );
          assert.equal(greeting?.current.seq, 1);
          assert.deepEqual(raw.pending, [], 'no reply to notifications or responses');
          await assertStillServes(app);
        });

        test('a message just under maxPayload is served', async () => {
          const padded = `{"jsonrpc":"2.0","id":7001,"method":"agent/modules","params":{}${' '.repeat(60 * 1024)}}`;
          raw.send(padded);
          const reply = await raw.next('the reply to a 60 KB message', (r) => r.id === 7001);
          assert.equal(reply.error, undefined);
        });

        test('a message beyond maxPayload closes that connection with 1009; the app and new connections live on', async () => {
          raw.send({ jsonrpc: '2.0', id: 7002, method: 'agent/load', params: { file, code: 'x'.repeat(100 * 1024) } });
          const closed = await waitFor('the agent to close the socket', () => raw.closed);
          assert.equal(closed.code, 1009);
          assert.deepEqual(raw.pending, [], 'the oversized request got no reply');
          await assertStillServes(app);
          const fresh = await app.connect();
          after(() => fresh.close());
          await assertUnchanged(fresh, file);
        });
      });
    }
  });
}

describe('bad loads through the CLI', () => {
  for (const kind of ['tsx', 'ts-cjs'] as AppKind[]) {
    test(`${kind}: a TypeScript syntax error exits non-zero with file:line:col; the app is unchanged`, async () => {
      const app = await App.start(kind);
      after(() => app.stop());
      const edited = app.file(appKinds[kind].edited);
      app.edit(appKinds[kind].edited, (text) =>
        text.replace('  return `hello', '  const x: number = ;\n  return `hello'),
      );
      const cli = await runCli(['load', edited], app.discoveryDir);
      assert.equal(cli.code, 1, cli.stdout + cli.stderr);
      // Compiled as the project compiles it: tsc's message for a tsc-built app, esbuild's for tsx.
      assert.match(cli.stderr, new RegExp(`^✗ ${escape(edited)}:3:21: (Expression expected\\.|Unexpected ";")$`, 'm'));
      await assertStillServes(app);
      const client = await app.connect();
      after(() => client.close());
      await assertUnchanged(client, app.file(appKinds[kind].greeting));
    });
  }

  test('a file no agent runs: non-zero, saying so', async () => {
    const app = await App.start('cjs');
    after(() => app.stop());
    writeFileSync(app.file('unused.js'), 'exports.x = 1;\n');
    const cli = await runCli(['load', app.file('unused.js')], app.discoveryDir);
    assert.equal(cli.code, 1);
    assert.equal(
      cli.stderr.trim(),
      `✗ ${app.file('unused.js')} is not a loaded module of any of the 1 running agent(s)`,
    );

    const none = await runCli(['load', app.file('greeting.js')], join(app.dir, 'no-agents-here'));
    assert.equal(none.code, 1);
    assert.match(
      none.stderr,
      /^✗ no hotpatch agent is running \(start the app with node -r hotpatch-agent\/register\)$/m,
    );

    const missing = await runCli(['load', app.file('missing.js')], app.discoveryDir);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, new RegExp(`^✗ cannot read ${escape(app.file('missing.js'))}: ENOENT$`, 'm'));
    await assertStillServes(app);
  });

  for (const kind of LOAD_KINDS) {
    test(`${kind}: a throwing top level is located in the edited file`, async () => {
      const app = await App.start(kind);
      after(() => app.stop());
      const { edited, greeting } = appKinds[kind];
      // Blank lines and (for ESM) esbuild's CommonJS preamble put the throw elsewhere in the compiled code.
      app.edit(edited, (text) => `${text}\n\n\nthrow new Error('top-level boom');\n`);
      const line = readFileSync(app.file(edited), 'utf8').split('\n').indexOf("throw new Error('top-level boom');") + 1;
      const cli = await runCli(['load', app.file(edited)], app.discoveryDir);
      assert.equal(cli.code, 1, cli.stdout + cli.stderr);
      assert.match(
        cli.stdout + cli.stderr,
        new RegExp(`✗ .* ${escape(app.file(edited))}:${line}:7: top level threw: top-level boom$`, 'm'),
      );
      await assertStillServes(app);
      const client = await app.connect();
      after(() => client.close());
      await assertUnchanged(client, app.file(greeting));
    });
  }
});
