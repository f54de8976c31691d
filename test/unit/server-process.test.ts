/**
 * Server processes in this Node process, without an agent: servers defined outside hot
 * modules keep their callbacks. One mailbox handled serially, call/cast/send, timeouts,
 * the name registry, crashes and terminate, stop, and fairness towards the event loop.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  call,
  cast,
  defineServer,
  ProcessError,
  send,
  spawn,
  stop,
  whereis,
  type ExitReason,
  type ServerProcess,
} from '../../runtime-agent/src/index';
import { waitFor } from '../helpers/wait';

/** A promise with its resolve function, to hold a handler at an await. */
function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Resolves with the reason once `process` has exited. */
function exited(process: ServerProcess): Promise<ExitReason> {
  return new Promise((resolve) => process.monitor(resolve));
}

/** Asserts that `promise` rejects with a ProcessError of `reason` whose message matches `message`. */
async function rejectsWith(promise: Promise<unknown>, reason: ProcessError['reason'], message: string | RegExp) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ProcessError, `expected a ProcessError, got ${String(error)}`);
    assert.equal(error.reason, reason);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  });
}

/** A counter: call 'get' | 'inc' | { add }, cast 'inc', info { add }. */
const counter = defineServer<number, 'get' | 'inc' | { add: number }, number, 'inc', { add: number }>({
  init: (start) => (typeof start === 'number' ? start : 0),
  handleCall(message, count) {
    if (message === 'get') return { reply: count, state: count };
    const next = count + (message === 'inc' ? 1 : message.add);
    return { reply: next, state: next };
  },
  handleCast: (_message, count) => count + 1,
  handleInfo: (message, count) => count + message.add,
});

test('one mailbox, handled serially: an async handler finishes before the next message starts', async () => {
  const log: string[] = [];
  const held = gate();
  const server = defineServer<string[], string, string, string, string>({
    init: () => [],
    async handleCall(message, seen) {
      log.push(`start call ${message}`);
      if (message === 'first') await held.promise;
      await Promise.resolve();
      log.push(`end call ${message}`);
      return { reply: `${message} after ${seen.join(',') || 'nothing'}`, state: [...seen, message] };
    },
    async handleCast(message, seen) {
      log.push(`start cast ${message}`);
      await new Promise((resolve) => setImmediate(resolve));
      log.push(`end cast ${message}`);
      return [...seen, message];
    },
    async handleInfo(message, seen) {
      log.push(`start info ${message}`);
      await Promise.resolve();
      log.push(`end info ${message}`);
      return [...seen, message];
    },
  });
  const p = spawn(server);
  const first = call<string>(p, 'first');
  cast(p, 'second');
  send(p, 'third');
  const fourth = call<string>(p, 'fourth');
  await waitFor('the first handler to start', () => log.length > 0);
  assert.deepEqual(log, ['start call first'], 'nothing else starts while the first handler awaits');
  assert.equal(p.busy, true);
  assert.equal(p.mailboxSize, 3, 'the other three messages wait in the mailbox');
  held.open();
  assert.equal(await first, 'first after nothing');
  assert.equal(await fourth, 'fourth after first,second,third');
  assert.deepEqual(log, [
    'start call first',
    'end call first',
    'start cast second',
    'end cast second',
    'start info third',
    'end info third',
    'start call fourth',
    'end call fourth',
  ]);
  stop(p);
});

test('call replies; cast and send reach handleCast and handleInfo, in mailbox order', async () => {
  const p = spawn(counter, 10);
  assert.equal(await call(p, 'get'), 10, 'init(args) made the state');
  cast(p, 'inc');
  send(p, { add: 5 });
  assert.equal(await call(p, { add: 100 }), 116, 'the cast and the info were handled before the call');
  assert.equal(await call(p, 'inc'), 117);
  assert.equal(p.state, 117);
  assert.equal(p.status, 'running');
  stop(p);
});

test('handleCall receives the caller as `from`, and a reply may be any value', async () => {
  const seen: unknown[] = [];
  const echo = defineServer<null, unknown, unknown>({
    init: () => null,
    handleCall(message, state, from) {
      seen.push(from);
      return { reply: message, state };
    },
  });
  const p = spawn(echo);
  assert.equal(await call(p, undefined), undefined);
  assert.deepEqual(await call(p, { nested: [1, 'two'] }), { nested: [1, 'two'] });
  assert.deepEqual(seen, [{}, {}], 'a call from outside any process has no `from.process`');
  stop(p);
});

test('a call that times out rejects with a ProcessError, and the process keeps working', async () => {
  const held = gate();
  const slow = defineServer<string[], string, string>({
    init: () => [],
    async handleCall(message, handled) {
      if (message === 'slow') await held.promise;
      return { reply: `${message}:${handled.length}`, state: [...handled, message] };
    },
  });
  const p = spawn(slow);
  const late = call(p, 'slow', { timeout: 20 });
  await rejectsWith(late, 'timeout', `call to ${p.id} timed out after 20 ms`);
  assert.equal(p.status, 'running', 'a timed-out call does not end the process');
  const next = call<string>(p, 'next');
  held.open();
  // As in OTP, the timed-out request was still handled; only its reply went to nobody.
  assert.equal(await next, 'next:1');
  assert.deepEqual(p.state, ['slow', 'next']);
  assert.equal(await call(p, 'again', { timeout: 1000 }), 'again:2');
  stop(p);
});

test('a call to a dead process or an unknown name rejects with noproc', async () => {
  const p = spawn(counter);
  await call(p, 'inc');
  stop(p);
  assert.equal(p.status, 'dead');
  await rejectsWith(call(p, 'get'), 'noproc', `no process ${p.id}`);
  await rejectsWith(call(p.id, 'get'), 'noproc', `no process '${p.id}'`);
  await rejectsWith(call('nobody-by-this-name', 'get'), 'noproc', "no process 'nobody-by-this-name'");
  await rejectsWith(p.call('get', 1000), 'noproc', `${p.id} is not alive`);
  // Casts and sends to the dead are dropped, as Erlang's messages to a dead pid.
  assert.doesNotThrow(() => cast(p, 'inc'));
  assert.doesNotThrow(() => send('nobody-by-this-name', { add: 1 }));
});

// gen_server_SUITE's stop tests (stop6, stop7): gen_server:stop of a dead pid or an unknown
// name exits with noproc; it used to be silently ignored.
test('stop_noproc: stop() of a dead process or an unknown name throws noproc', () => {
  const p = spawn(counter);
  stop(p);
  assert.throws(
    () => stop(p),
    (error: unknown) =>
      error instanceof ProcessError && error.reason === 'noproc' && error.message === `no process ${p.id}`,
  );
  assert.throws(
    () => stop('nobody-by-this-name'),
    (error: unknown) =>
      error instanceof ProcessError &&
      error.reason === 'noproc' &&
      error.message === "no process 'nobody-by-this-name'",
  );
});

test('the name registry: spawn with a name, call by name or id, duplicates refused, freed on exit', async () => {
  const p = spawn(counter, 1, { name: 'registry-counter' });
  assert.equal(p.name, 'registry-counter');
  assert.equal(whereis('registry-counter'), p);
  assert.equal(await call('registry-counter', 'inc'), 2);
  assert.equal(await call(p.id, 'inc'), 3, 'an id works as a reference too');
  cast('registry-counter', 'inc');
  send('registry-counter', { add: 10 });
  assert.equal(await call('registry-counter', 'get'), 14);

  assert.throws(
    () => spawn(counter, 100, { name: 'registry-counter' }),
    new Error(`spawn: the name 'registry-counter' is already registered to ${p.id}`),
  );
  assert.equal(whereis('registry-counter'), p, 'a refused spawn leaves the name with its owner');
  assert.equal(await call('registry-counter', 'get'), 14);

  stop(p);
  assert.equal(whereis('registry-counter'), undefined, 'stop frees the name');
  await rejectsWith(call('registry-counter', 'get'), 'noproc', "no process 'registry-counter'");

  const again = spawn(counter, 50, { name: 'registry-counter' });
  assert.notEqual(again.id, p.id);
  assert.equal(await call('registry-counter', 'get'), 50);

  // A crash frees the name too.
  const crashing = defineServer<null, never, never, 'die'>({
    init: () => null,
    handleCast() {
      throw new Error('bye');
    },
  });
  const doomed = spawn(crashing, undefined, { name: 'registry-doomed' });
  cast('registry-doomed', 'die');
  await exited(doomed);
  assert.equal(whereis('registry-doomed'), undefined);
  assert.equal(spawn(crashing, undefined, { name: 'registry-doomed' }).name, 'registry-doomed');
  stop('registry-doomed');
  stop(again);
});

test('a handler that throws crashes the process; callers get errors naming it; terminate sees the crash', async () => {
  const terminated: [ExitReason, unknown][] = [];
  const fragile = defineServer<{ handled: number }, 'ok' | 'boom', number>({
    init: () => ({ handled: 0 }),
    async handleCall(message, state) {
      await Promise.resolve();
      if (message === 'boom') throw new RangeError('boom went the handler');
      return { reply: state.handled + 1, state: { handled: state.handled + 1 } };
    },
    terminate: (reason, state) => void terminated.push([reason, state]),
  });
  const p = spawn(fragile, undefined, { name: 'fragile' });
  const down = exited(p);
  assert.equal(await call(p, 'ok'), 1);
  const crashing = call(p, 'boom');
  const queued = call(p, 'ok');
  await rejectsWith(crashing, 'exit', `${p.id} crashed handling the call: boom went the handler`);
  await rejectsWith(queued, 'exit', `${p.id} exited: handling a call failed: boom went the handler`);
  const reason = { error: 'handling a call failed: boom went the handler' };
  assert.deepEqual(await down, reason);
  assert.equal(p.status, 'dead');
  assert.deepEqual(p.exitReason, reason);
  assert.deepEqual(terminated, [[reason, { handled: 1 }]], 'terminate ran once, with the last good state');
  assert.equal(whereis('fragile'), undefined);
  await rejectsWith(call(p, 'ok'), 'noproc', `no process ${p.id}`);
});

test('a throwing cast or info handler crashes the process too', async () => {
  const fragile = defineServer<number, never, never, string, string>({
    init: () => 0,
    handleCast(message) {
      throw new Error(`cast ${message} failed`);
    },
    handleInfo(message) {
      throw new TypeError(`info ${message} failed`);
    },
  });
  const a = spawn(fragile);
  cast(a, 'x');
  assert.deepEqual(await exited(a), { error: 'handling a cast failed: cast x failed' });
  const b = spawn(fragile);
  send(b, 'y');
  assert.deepEqual(await exited(b), { error: 'handling an info failed: info y failed' });
});

test('a cast to a server without handleCast crashes it; a send to one without handleInfo is ignored', async () => {
  const callsOnly = defineServer<number, 'get', number>({
    init: () => 7,
    handleCall: (_message, state) => ({ reply: state, state }),
  });
  const p = spawn(callsOnly);
  send(p, 'ignored');
  assert.equal(await call(p, 'get'), 7, 'an info without handleInfo leaves the state alone');
  assert.equal(p.status, 'running');
  cast(p, 'unexpected');
  assert.deepEqual(await exited(p), { error: 'handling a cast failed: the server has no handleCast' });

  const castsOnly = defineServer<number, never, never, 'x'>({ init: () => 0, handleCast: (_m, s) => s });
  const q = spawn(castsOnly);
  await rejectsWith(call(q, 'x'), 'exit', `${q.id} crashed handling the call: the server has no handleCall`);
});

test("terminate(reason, state) runs on 'shutdown' and 'normal', not on 'killed'; monitors see each reason", async () => {
  const terminated: [ExitReason, unknown][] = [];
  const tracked = defineServer<string, 'get', string>({
    init: (tag) => String(tag),
    handleCall: (_message, state) => ({ reply: state, state }),
    terminate: (reason, state) => void terminated.push([reason, state]),
  });
  const shutdown = spawn(tracked, 'a');
  const normal = spawn(tracked, 'b');
  const killed = spawn(tracked, 'c');
  // Initialized first: terminate only runs for a process whose init completed.
  await Promise.all([call(shutdown, 'get'), call(normal, 'get'), call(killed, 'get')]);
  const reasons = Promise.all([exited(shutdown), exited(normal), exited(killed)]);

  stop(shutdown);
  stop(normal, 'normal');
  stop(killed, 'killed');
  assert.deepEqual(await reasons, ['shutdown', 'normal', 'killed']);
  assert.deepEqual(terminated, [
    ['shutdown', 'a'],
    ['normal', 'b'],
  ]);
  assert.deepEqual(
    [shutdown, normal, killed].map((p) => [p.status, p.exitReason]),
    [
      ['dead', 'shutdown'],
      ['dead', 'normal'],
      ['dead', 'killed'],
    ],
  );
  // A monitor set on a dead process fires at once.
  let late: ExitReason | undefined;
  killed.monitor((reason) => (late = reason));
  assert.equal(late, 'killed');
});

test('a throwing terminate does not stop the process from exiting', async () => {
  const stubborn = defineServer<null, 'get', null>({
    init: () => null,
    handleCall: (_m, state) => ({ reply: state, state }),
    terminate() {
      throw new Error('terminate failed');
    },
  });
  const p = spawn(stubborn, undefined, { name: 'stubborn' });
  await call(p, 'get');
  const down = exited(p);
  assert.doesNotThrow(() => stop(p));
  assert.equal(await down, 'shutdown');
  assert.equal(whereis('stubborn'), undefined);
});

test('stop() during an async handler answers its caller and every queued caller, and drops the late result', async () => {
  const held = gate();
  const terminated: unknown[] = [];
  const slow = defineServer<number, 'slow' | 'get', number>({
    init: () => 1,
    async handleCall(message, state) {
      if (message === 'slow') await held.promise;
      return { reply: state, state: state + 1 };
    },
    terminate: (_reason, state) => void terminated.push(state),
  });
  const p = spawn(slow);
  const running = call(p, 'slow');
  const queued = call(p, 'get');
  await waitFor('the slow handler to start', () => p.busy && p.mailboxSize === 1);
  stop(p);
  assert.equal(p.status, 'dead');
  await rejectsWith(running, 'exit', `${p.id} exited: shutdown`);
  await rejectsWith(queued, 'exit', `${p.id} exited: shutdown`);
  assert.deepEqual(terminated, [1], 'terminate saw the state from before the interrupted handler');
  held.open();
  await waitFor('the interrupted handler to finish', () => !p.busy);
  assert.equal(p.state, 1, 'the interrupted handler’s new state was dropped');
  assert.equal(p.exitReason, 'shutdown');
});

// gen_server_SUITE's start tests: start_link of a server whose init fails returns
// {error, Reason}, and its name is not left registered.
test('start_init_fails: spawn of a server whose synchronous init throws throws, and leaves no name registered', () => {
  const terminated: unknown[] = [];
  const broken = defineServer<number, 'get', number>({
    init() {
      throw new Error('no config');
    },
    handleCall: (_m, state) => ({ reply: state, state }),
    terminate: (reason) => void terminated.push(reason),
  });
  let monitored: ServerProcess | undefined;
  assert.throws(
    () => (monitored = spawn(broken, undefined, { name: 'broken-init' })),
    (error: unknown) =>
      error instanceof ProcessError &&
      error.reason === 'init' &&
      /did not start: init failed: no config$/.test(error.message),
  );
  assert.equal(monitored, undefined);
  assert.equal(whereis('broken-init'), undefined, 'the name is free');
  // The name can be used at once by a server that starts.
  const ok = spawn(counter, 1, { name: 'broken-init' });
  assert.equal(whereis('broken-init'), ok);
  stop(ok);
  assert.deepEqual(terminated, [], 'terminate never runs for a process that never initialized');
});

test('an async init that rejects ends the process before any message; queued callers and whenStarted() learn why', async () => {
  const broken = defineServer<number, 'get', number>({
    init: () => Promise.reject(new Error('no config (async)')),
    handleCall: (_m, state) => ({ reply: state, state }),
  });
  const p = spawn(broken, undefined, { name: 'broken-async-init' });
  const queued = call(p, 'get');
  await assert.rejects(p.whenStarted(), (error: unknown) => {
    assert.ok(error instanceof ProcessError && error.reason === 'init', String(error));
    assert.equal(error.message, `${p.id} did not start: init failed: no config (async)`);
    return true;
  });
  await rejectsWith(queued, 'exit', `${p.id} exited: init failed: no config (async)`);
  assert.deepEqual(p.exitReason, { error: 'init failed: no config (async)' });
  assert.equal(p.initialized, false);
  assert.equal(whereis('broken-async-init'), undefined);
});

test('a synchronous init has run when spawn returns; whenStarted() resolves', async () => {
  const p = spawn(counter, 41);
  assert.equal(p.initialized, true);
  assert.equal(p.state, 41);
  await p.whenStarted();
  stop(p);
});

test('messages wait for an async init', async () => {
  const held = gate();
  const lazy = defineServer<string, 'get', string>({
    async init() {
      await held.promise;
      return 'ready';
    },
    handleCall: (_m, state) => ({ reply: state, state }),
  });
  const p = spawn(lazy);
  const reply = call(p, 'get');
  await waitFor('init to be running', () => p.busy && p.mailboxSize === 1);
  assert.equal(p.initialized, false);
  assert.equal(p.mailboxSize, 1);
  held.open();
  assert.equal(await reply, 'ready');
  assert.equal(p.initialized, true);
  stop(p);
});

test('handleCall returning something other than { reply, state } crashes with a clear message', async () => {
  const sloppy = defineServer<number, 'number' | 'undefined' | 'reply only' | 'state only', unknown>({
    init: () => 0,
    handleCall(message, state) {
      switch (message) {
        case 'number':
          return 42 as never;
        case 'undefined':
          return undefined as never;
        case 'reply only':
          return { reply: 1 } as never;
        case 'state only':
          return { state: state + 1 } as never;
      }
    },
  });
  for (const message of ['number', 'undefined', 'reply only'] as const) {
    const p = spawn(sloppy);
    const problem = `handleCall of ${p.id} must return { reply, state } or { noreply: true, state }`;
    await rejectsWith(call(p, message), 'exit', `${p.id} crashed handling the call: ${problem}`);
    assert.deepEqual(p.exitReason, { error: `handling a call failed: ${problem}` }, message);
    assert.equal(p.state, 0, `${message}: the state is left as it was`);
  }
  // A reply of undefined is a reply: only a missing state is an error.
  const p = spawn(sloppy);
  assert.equal(await call(p, 'state only'), undefined);
  assert.equal(p.state, 1);
  stop(p);
});

test('suspend lets the running handler finish, queues new messages, and resume handles them in order', async () => {
  const held = gate();
  const order: string[] = [];
  const recorder = defineServer<string[], string, string[], string>({
    init: () => [],
    async handleCall(message, state) {
      if (message === 'slow') await held.promise;
      order.push(message);
      return { reply: [...state, message], state: [...state, message] };
    },
    handleCast(message, state) {
      order.push(message);
      return [...state, message];
    },
  });
  const p = spawn(recorder);
  const slow = call(p, 'slow');
  await waitFor('the slow handler to start', () => p.busy && p.mailboxSize === 0);
  let suspended = false;
  const suspending = p.suspend().then(() => (suspended = true));
  assert.equal(p.status, 'suspended');
  cast(p, 'queued cast');
  const queued = call<string[]>(p, 'queued call');
  await Promise.resolve();
  assert.equal(suspended, false, 'suspend waits for the running handler');
  held.open();
  await suspending;
  assert.deepEqual(await slow, ['slow']);
  assert.equal(p.busy, false);
  assert.equal(p.mailboxSize, 2, 'messages sent while suspended wait');
  assert.deepEqual(order, ['slow']);
  p.resume();
  assert.equal(p.status, 'running');
  assert.deepEqual(await queued, ['slow', 'queued cast', 'queued call']);
  stop(p);
});

test('10,000 calls in a row do not starve the event loop', async () => {
  const p = spawn(counter);
  let immediateRan = false;
  setImmediate(() => (immediateRan = true));
  for (let i = 0; i < 10_000; i++) await call(p, 'inc');
  // Every reply arrives in a microtask; without a per-turn budget the loop above would finish
  // before the check phase ever runs.
  assert.equal(immediateRan, true, 'a setImmediate scheduled before the calls ran while they flowed');
  assert.equal(await call(p, 'get'), 10_000);
  stop(p);
});

test('10,000 calls sent at once do not starve the event loop, and all are answered in order', async () => {
  const p = spawn(counter);
  let immediateRan = false;
  setImmediate(() => (immediateRan = true));
  const replies = await Promise.all(Array.from({ length: 10_000 }, () => call<number>(p, 'inc')));
  assert.equal(immediateRan, true, 'a setImmediate scheduled before the calls ran while they flowed');
  assert.deepEqual(
    replies,
    Array.from({ length: 10_000 }, (_, i) => i + 1),
  );
  stop(p);
});

test('a handler learns which process called it, across its awaits; a process calling itself fails at once', async () => {
  const callee = spawn(
    defineServer<null, { op: 'who' }, string | undefined>({
      init: () => null,
      handleCall: (_message, state, from) => ({ reply: from.process, state }),
    }),
  );
  const caller: ServerProcess = spawn(
    defineServer<null, { op: 'ask' } | { op: 'self' }, unknown>({
      init: () => null,
      async handleCall(message, state): Promise<{ reply: unknown; state: null }> {
        await Promise.resolve(); // the caller's identity survives an await
        if (message.op === 'ask') return { reply: await call(callee, { op: 'who' }), state };
        const error = await call(caller, { op: 'ask' }).catch((e: unknown) => e);
        return { reply: error, state };
      },
    }),
  );
  assert.equal(await call(caller, { op: 'ask' }), caller.id);
  assert.equal(await call(callee, { op: 'who' }), undefined, 'a call from outside any process');
  const error = (await call(caller, { op: 'self' })) as ProcessError;
  assert.ok(error instanceof ProcessError);
  assert.equal(error.reason, 'self');
  assert.match(error.message, /called itself/);
});
