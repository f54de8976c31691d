/**
 * gen_server's deferred reply and handle_continue, in this Node process (issue 12). Each test
 * is named after the gen_server_SUITE case whose behaviour it follows.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  call,
  cast,
  continueWith,
  defineServer,
  ProcessError,
  reply,
  spawn,
  stop,
  type From,
} from '../../runtime-agent/src/index';

test('gen_server_SUITE call (delayed reply): { noreply } leaves the call waiting; reply(from, value) answers it later, once', async () => {
  const waiting: From[] = [];
  const server = defineServer<{ handled: number }, 'ask' | 'count', number>({
    init: () => ({ handled: 0 }),
    handleCall(message, state, from) {
      if (message === 'count') return { reply: state.handled, state };
      waiting.push(from);
      return { noreply: true, state: { handled: state.handled + 1 } };
    },
  });
  const process = spawn(server);
  const first = call<number>(process, 'ask');
  const second = call<number>(process, 'ask');
  // The server goes on with its mailbox while the first two wait.
  assert.equal(await call(process, 'count'), 2);
  assert.equal(waiting.length, 2);
  assert.equal(reply(waiting[1]!, 'second'), true);
  assert.equal(reply(waiting[0]!, 'first'), true);
  assert.deepEqual(await Promise.all([first, second]), ['first', 'second']);
  assert.equal(reply(waiting[0]!, 'again'), false, 'a call is answered once');
  stop(process);
});

test('gen_server_SUITE call (delayed reply): reply() from inside the handler, before it returns noreply, answers the call', async () => {
  const server = defineServer<null, 'ask', string>({
    init: () => null,
    handleCall(_message, state, from) {
      reply(from, 'early');
      return { noreply: true, state };
    },
  });
  const process = spawn(server);
  assert.equal(await call(process, 'ask'), 'early');
  stop(process);
});

test('gen_server_SUITE call (delayed reply): a server that exits before replying fails the waiting call with the reason', async () => {
  let pending: From | undefined;
  const server = defineServer<null, 'ask', string, 'crash'>({
    init: () => null,
    handleCall(_message, state, from) {
      pending = from;
      return { noreply: true, state };
    },
    handleCast() {
      throw new Error('asked to crash');
    },
  });
  const process = spawn(server);
  const waiting = call(process, 'ask');
  const failed = waiting.then(
    () => assert.fail('the call should fail'),
    (error: unknown) => error,
  );
  await new Promise<void>((resolve) => setImmediate(resolve));
  cast(process, 'crash');
  const error = await failed;
  assert.ok(error instanceof ProcessError);
  assert.equal(error.reason, 'exit');
  assert.match(error.message, /exited: handling a cast failed: asked to crash/);
  assert.equal(reply(pending!, 'late'), false);
});

test('gen_server_SUITE call (delayed reply): a deferred call still times out', async () => {
  const server = defineServer<null, 'ask', string>({
    init: () => null,
    handleCall: (_message, state) => ({ noreply: true, state }),
  });
  const process = spawn(server);
  await assert.rejects(call(process, 'ask', { timeout: 20 }), /timed out after 20 ms/);
  stop(process);
});

test('gen_server_SUITE continue: handleContinue runs right after init and after each handler that asks, before queued messages', async () => {
  const log: string[] = [];
  const server = defineServer<string[], 'log', string[], 'note'>({
    init: () => continueWith(['init'], 'setup'),
    handleContinue(arg, state) {
      log.push(`continue ${String(arg)}`);
      return arg === 'after-call' ? continueWith([...state, String(arg)], 'chained') : [...state, String(arg)];
    },
    handleCall: (_message, state) => ({ reply: state, state, continue: 'after-call' }),
    handleCast(message, state) {
      log.push(message);
      return [...state, message];
    },
  });
  const process = spawn(server);
  // Queued at once: the continue of init still runs first.
  cast(process, 'note');
  const seen = await call<string[]>(process, 'log');
  assert.deepEqual(seen, ['init', 'setup', 'note']);
  cast(process, 'note');
  assert.deepEqual(await call<string[]>(process, 'log'), ['init', 'setup', 'note', 'after-call', 'chained', 'note']);
  assert.deepEqual(log, [
    'continue setup',
    'note',
    'continue after-call',
    'continue chained',
    'note',
    'continue after-call',
    'continue chained',
  ]);
  stop(process);
});

test('gen_server_SUITE continue: a server without handleContinue that asks for one crashes, naming it', async () => {
  const server = defineServer<null, 'ask', null>({
    init: () => continueWith(null, 'x'),
  });
  const process = spawn(server);
  const reason = await new Promise((resolve) => process.monitor(resolve));
  assert.deepEqual(reason, { error: 'handling a continue failed: the server has no handleContinue' });
});
