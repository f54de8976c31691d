/**
 * The supervisor API users reach for, in this Node process (issue 12): each test is named
 * after the supervisor_SUITE case whose behaviour it follows. Waits on events and monitors,
 * never on sleeps.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  call,
  cast,
  defineServer,
  spawn,
  supervise,
  Supervisor,
  SupervisorError,
  type ChildSpec,
  type ExitReason,
  type ServerProcess,
} from '../../runtime-agent/src/index';

const worker = defineServer<{ tag: string }, 'get', string, 'crash'>({
  init: (tag) => ({ tag: String(tag) }),
  handleCall: (_message, state) => ({ reply: state.tag, state }),
  handleCast: () => {
    throw new Error('asked to crash');
  },
});

let unique = 0;
function spec(id: string, restart?: ChildSpec['restart']): ChildSpec {
  const name = `${id}.${++unique}`;
  return { id, start: () => spawn(worker, id, { name }), ...(restart ? { restart } : {}) };
}

function proc(child: unknown): ServerProcess {
  assert.ok(child && !(child instanceof Supervisor), 'a server process');
  return child as ServerProcess;
}

function rejects(run: () => unknown, reason: SupervisorError['reason'], message: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof SupervisorError, String(error));
    assert.equal(error.reason, reason);
    assert.match(error.message, message);
    return true;
  });
}

function exited(process: ServerProcess): Promise<ExitReason> {
  return new Promise((resolve) => process.monitor(resolve));
}

test('supervisor_SUITE sup_start_child / temporary_abnormal: startChild adds a running child; a taken id is already_started or already_present', async () => {
  const sup = supervise([spec('a')]);
  const b = proc(sup.startChild(spec('b')));
  assert.equal(b.status, 'running');
  assert.deepEqual(
    sup.children.map((c) => c.id),
    ['a', 'b'],
  );
  rejects(() => sup.startChild(spec('b')), 'already_started', /child 'b' is already started/);
  await sup.terminateChild('b');
  rejects(() => sup.startChild(spec('b')), 'already_present', /child 'b' is already present/);
  const failing: ChildSpec = {
    id: 'c',
    start: () => {
      throw new Error('no port');
    },
  };
  rejects(() => sup.startChild(failing), 'start', /child 'c' could not start: no port/);
  assert.equal(sup.countChildren().specs, 2, 'a child that did not start is not kept');
  sup.kill();
});

test('supervisor_SUITE sup_stop / terminate_child: terminateChild stops the child as a shutdown, not restarted, its spec kept', async () => {
  const sup = supervise([spec('a'), spec('b')], { strategy: 'one_for_all', intensity: 0 });
  const restarts: string[] = [];
  sup.on('restart', (id) => restarts.push(id));
  const a = proc(sup.child('a'));
  const down = exited(a);
  await sup.terminateChild('a');
  assert.equal(await down, 'shutdown');
  assert.equal(sup.status, 'running', 'not a crash: intensity 0 would have stopped it');
  assert.deepEqual(restarts, []);
  assert.deepEqual(
    sup.whichChildren().map((c) => [c.id, c.child === undefined, c.type]),
    [
      ['a', true, 'worker'],
      ['b', false, 'worker'],
    ],
  );
  rejects(() => sup.terminateChild('zz'), 'not_found', /no child 'zz'/);
  sup.kill();
});

test('supervisor_SUITE restart_child / delete_child: a terminated child restarts or is deleted; a running one is refused', async () => {
  const sup = supervise([spec('a'), spec('b')]);
  rejects(() => sup.restartChild('a'), 'running', /child 'a' is running; terminate it first/);
  rejects(() => sup.deleteChild('a'), 'running', /terminate it first/);
  const before = sup.child('a');
  await sup.terminateChild('a');
  const again = proc(sup.restartChild('a'));
  assert.notEqual(again, before);
  assert.equal(again.status, 'running');
  await sup.terminateChild('b');
  sup.deleteChild('b');
  assert.deepEqual(
    sup.children.map((c) => c.id),
    ['a'],
  );
  rejects(() => sup.restartChild('b'), 'not_found', /no child 'b'/);
  rejects(() => sup.deleteChild('b'), 'not_found', /no child 'b'/);
  sup.kill();
});

test('supervisor_SUITE temporary_normal: terminating a temporary child deletes its spec', async () => {
  const sup = supervise([spec('a', 'temporary'), spec('b')]);
  await sup.terminateChild('a');
  assert.deepEqual(
    sup.children.map((c) => c.id),
    ['b'],
  );
  sup.kill();
});

test('supervisor_SUITE count_children: specs, active children, supervisors and workers', async () => {
  const inner: ChildSpec = { id: 'inner', start: () => supervise([spec('x')]) };
  const sup = supervise([spec('a'), spec('b'), inner]);
  await sup.terminateChild('b');
  assert.deepEqual(sup.countChildren(), { specs: 3, active: 2, supervisors: 1, workers: 1 });
  assert.deepEqual(
    sup.whichChildren().map((c) => [c.id, c.type]),
    [
      ['a', 'worker'],
      ['b', 'worker'],
      ['inner', 'supervisor'],
    ],
  );
  sup.kill();
});

test('supervisor_SUITE simple_one_for_one: startChild(args) starts children of the one spec; each restarts alone, with its args', async () => {
  const started: unknown[] = [];
  const sup = supervise(
    [
      {
        id: 'conn',
        start: (...args: unknown[]) => {
          started.push(args[0]);
          return spawn(worker, args[0]);
        },
      },
    ],
    { strategy: 'simple_one_for_one' },
  );
  assert.deepEqual(sup.countChildren(), { specs: 1, active: 0, supervisors: 0, workers: 0 });
  const one = proc(sup.startChild('one'));
  const two = proc(sup.startChild('two'));
  assert.deepEqual(
    sup.whichChildren().map((c) => [c.id, c.child]),
    [
      [undefined, one],
      [undefined, two],
    ],
  );

  const restarted = new Promise<ServerProcess>((resolve) => sup.once('restart', (_id, child) => resolve(proc(child))));
  cast(one, 'crash');
  const replacement = await restarted;
  assert.deepEqual(started, ['one', 'two', 'one'], 'restarted with its own args');
  assert.equal(two.status, 'running', 'its sibling untouched');

  await sup.terminateChild(two);
  assert.equal(two.status, 'dead');
  assert.deepEqual(
    sup.whichChildren().map((c) => c.child),
    [replacement],
  );
  rejects(() => sup.terminateChild('conn'), 'not_found', /no child 'conn'/);
  rejects(() => sup.restartChild('conn'), 'simple_one_for_one', /simple_one_for_one/);
  rejects(() => sup.deleteChild('conn'), 'simple_one_for_one', /simple_one_for_one/);
  sup.kill();
  assert.equal(replacement.status, 'dead');
});

test('supervisor_SUITE simple_one_for_one_extra: takes exactly one spec', () => {
  assert.throws(
    () => supervise([spec('a'), spec('b')], { strategy: 'simple_one_for_one' }),
    /simple_one_for_one takes exactly one child spec, not 2/,
  );
});

test('supervisor_SUITE simple_one_for_one: a temporary child that ends leaves the supervisor', async () => {
  const sup = supervise([{ id: 'job', start: () => spawn(worker, 'job'), restart: 'temporary' }], {
    strategy: 'simple_one_for_one',
  });
  const job = proc(sup.startChild());
  const down = exited(job);
  cast(job, 'crash');
  await down;
  assert.deepEqual(sup.countChildren(), { specs: 1, active: 0, supervisors: 0, workers: 0 });
  assert.equal(sup.whichChildren().length, 0);
  sup.kill();
});

/** A server whose 'slow' call waits at an await until `release()`; terminate is recorded. */
function slowServer(terminated: string[]) {
  let release: () => void = () => undefined;
  const server = defineServer<{ tag: string }, 'slow', string>({
    init: (tag) => ({ tag: String(tag) }),
    async handleCall(_message, state) {
      await new Promise<void>((resolve) => (release = resolve));
      return { reply: 'done', state };
    },
    terminate: (reason, state) => void terminated.push(`${state.tag}: ${String(reason)}`),
  });
  return { server, release: () => release() };
}

/** Calls 'slow' and waits until its handler runs (wrapped: an async function would wait for the reply itself). */
async function busy(process: ServerProcess): Promise<{ reply: Promise<unknown> }> {
  const reply = call(process, 'slow');
  while (process.handlerKind !== 'call') await new Promise<void>((resolve) => setImmediate(resolve));
  return { reply };
}

test('supervisor_SUITE shutdown_timeout: terminateChild lets a running handler finish (its reply sent) before terminate runs', async () => {
  const terminated: string[] = [];
  const { server, release } = slowServer(terminated);
  const sup = supervise([{ id: 'slow', start: () => spawn(server, 'slow'), shutdown: 1000 }]);
  const child = proc(sup.child('slow'));
  const { reply } = await busy(child);
  const down = sup.terminateChild('slow');
  assert.equal(child.status, 'suspended', 'it takes no more messages');
  release();
  await down;
  assert.equal(await reply, 'done');
  assert.deepEqual(terminated, ['slow: shutdown']);
  sup.kill();
});

test('supervisor_SUITE shutdown_timeout: a handler still running when the shutdown time is up is killed, without terminate', async () => {
  const terminated: string[] = [];
  const { server } = slowServer(terminated);
  const sup = supervise([{ id: 'slow', start: () => spawn(server, 'slow'), shutdown: 30 }]);
  const child = proc(sup.child('slow'));
  const reply = (await busy(child)).reply.catch((error: unknown) => error);
  await sup.terminateChild('slow');
  assert.equal(child.exitReason, 'killed');
  assert.deepEqual(terminated, []);
  assert.match(String(await reply), /exited: killed/);
  assert.equal(sup.status, 'running', 'a termination is not a crash');
  sup.kill();
});

test('supervisor_SUITE brutal_kill: the child is killed at once, without terminate', async () => {
  const terminated: string[] = [];
  const { server } = slowServer(terminated);
  const sup = supervise([
    { id: 'brutal', start: () => spawn(server, 'brutal'), shutdown: 'brutal_kill' },
    { id: 'gentle', start: () => spawn(server, 'gentle') },
  ]);
  const brutal = proc(sup.child('brutal'));
  await sup.terminateChild('brutal');
  assert.equal(brutal.exitReason, 'killed');
  await sup.terminateChild('gentle');
  assert.deepEqual(terminated, ['gentle: shutdown']);
  sup.kill();
});

test('supervisor_SUITE sup_stop_infinity: stop() shuts the children down last first, each by its shutdown, then exits', async () => {
  const terminated: string[] = [];
  const slow = slowServer(terminated);
  const sup = supervise([spec('first'), { id: 'slow', start: () => spawn(slow.server, 'slow'), shutdown: 'infinity' }]);
  const exits: ExitReason[] = [];
  sup.on('exit', (reason) => exits.push(reason));
  const first = proc(sup.child('first'));
  const { reply } = await busy(proc(sup.child('slow')));
  const stopped = sup.stop();
  assert.equal(first.status, 'running', 'the last child goes first, and it is still finishing');
  slow.release();
  await stopped;
  assert.equal(await reply, 'done');
  assert.deepEqual(terminated, ['slow: shutdown']);
  assert.equal(first.exitReason, 'shutdown');
  assert.deepEqual(exits, ['shutdown']);
});
