/**
 * System messages and suspension of one server process, without an agent, as OTP's sys
 * module defines them (sys_SUITE): a system message runs between two messages, in mailbox
 * order while the process runs and at once while it is suspended; a suspension by sys and
 * one by an upgrade are apart.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, cast, defineServer, ProcessError, spawn, stop } from '../../runtime-agent/src/index';
import { waitFor } from '../helpers/wait';

/** A log server: cast appends, call 'get' returns the log; cast 'hold' waits for `release()`. */
let release: (() => void) | undefined;
const logger = defineServer<string[], 'get', string[], string>({
  init: () => [],
  handleCall: (_m, log) => ({ reply: log, state: log }),
  async handleCast(message, log) {
    if (message === 'hold') await new Promise<void>((resolve) => (release = resolve));
    return [...log, message];
  },
});

test('a system message while the process runs waits its turn in the mailbox', async () => {
  const p = spawn(logger);
  for (const m of ['a', 'b']) cast(p, m);
  const seen = await p.system((q) => [...(q.state as string[])]);
  assert.deepEqual(seen, ['a', 'b'], 'after the messages sent before it');
  stop(p);
});

test('suspend, replace_state: while suspended a system message runs at once, ahead of queued messages', async () => {
  const p = spawn(logger);
  cast(p, 'a');
  assert.deepEqual(await call(p, 'get'), ['a']);
  await p.sysSuspend();
  assert.equal(p.status, 'suspended');
  cast(p, 'b');
  const replying = call<string[]>(p, 'get');
  assert.equal(p.mailboxSize, 2);
  await p.system((q) => (q.state = ['replaced']));
  assert.equal(p.mailboxSize, 2, 'the queued messages are still queued');
  p.sysResume();
  assert.deepEqual(await replying, ['replaced', 'b']);
  stop(p);
});

test('a system message queued behind messages jumps the queue when the process is suspended, after its running handler', async () => {
  const p = spawn(logger);
  cast(p, 'hold');
  await waitFor('the handler to hold', () => release !== undefined);
  cast(p, 'queued');
  const replaced = p.system((q) => {
    q.state = [...(q.state as string[]), 'system'];
    return q.mailboxSize;
  });
  const suspended = p.sysSuspend();
  release!();
  release = undefined;
  await suspended;
  // It ran once the held handler finished, with 'queued' still waiting behind it.
  assert.equal(await replaced, 1);
  assert.deepEqual(p.state, ['hold', 'system']);
  p.sysResume();
  assert.deepEqual(await call(p, 'get'), ['hold', 'system', 'queued']);
  stop(p);
});

test('a suspension by sys and one by an upgrade are apart: each resume ends only its own', async () => {
  const p = spawn(logger);
  await p.sysSuspend();
  await p.suspend();
  assert.deepEqual(p.suspendedBy, ['sys', 'upgrade']);
  cast(p, 'a');
  p.resume();
  assert.deepEqual(p.suspendedBy, ['sys']);
  assert.equal(p.status, 'suspended');
  assert.equal(p.mailboxSize, 1, 'an upgrade ending does not resume what sys suspended');
  await p.suspend();
  p.sysResume();
  assert.equal(p.status, 'suspended', 'sys resume does not end an upgrade');
  p.resume();
  assert.equal(p.status, 'running');
  assert.deepEqual(await call(p, 'get'), ['a']);
  stop(p);
});

test('system messages to a dead process fail with noproc; pending ones fail when it dies', async () => {
  const p = spawn(logger);
  cast(p, 'hold');
  await waitFor('the handler to hold', () => release !== undefined);
  const suspended = p.sysSuspend();
  const pending = p.system(() => 'never');
  p.kill('killed');
  release = undefined;
  await suspended;
  await assert.rejects(pending, (e: unknown) => e instanceof ProcessError && e.reason === 'exit');
  await assert.rejects(
    p.system(() => 'never'),
    (e: unknown) => e instanceof ProcessError && e.reason === 'noproc',
  );
});

test('a process spawned suspended inits on resume; whenStarted() waits for it', async () => {
  const p = spawn(logger);
  await p.sysSuspend();
  cast(p, 'x');
  p.sysResume();
  await p.whenStarted();
  assert.deepEqual(await call(p, 'get'), ['x']);
  stop(p);
});
