/**
 * Supervisors in this Node process, without an agent: which children each strategy restarts,
 * restart types, restart intensity, and nested supervisors escalating. Waits on the
 * supervisor's 'restart' and 'exit' events and on process monitors, never on sleeps.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  call,
  cast,
  defineServer,
  spawn,
  stop,
  supervise,
  Supervisor,
  whereis,
  type ChildSpec,
  type ExitReason,
  type RestartType,
  type ServerProcess,
  type SupervisorOptions,
} from '../../runtime-agent/src/index';
import { waitFor } from '../helpers/wait';

interface WorkerState {
  tag: string;
  count: number;
}

/** Every worker's terminate, in order: which child ended, and why. */
const terminations: [string, ExitReason][] = [];

/** A worker: cast 'inc' counts, cast 'crash' throws, call 'get' returns the state. */
const worker = defineServer<WorkerState, 'get', WorkerState, 'inc' | 'crash'>({
  init: (tag) => ({ tag: String(tag), count: 0 }),
  handleCall: (_message, state) => ({ reply: state, state }),
  handleCast(message, state) {
    if (message === 'crash') throw new Error(`${state.tag} crashed`);
    return { ...state, count: state.count + 1 };
  },
  terminate: (reason, state) => void terminations.push([state.tag, reason]),
});

/** Child specs for workers tagged `prefix.id`, registered under that name. */
function workers(prefix: string, ids: string[], restart?: RestartType): ChildSpec[] {
  return ids.map((id) => ({
    id,
    start: () => spawn(worker, `${prefix}.${id}`, { name: `${prefix}.${id}` }),
    ...(restart ? { restart } : {}),
  }));
}

/** A supervisor whose 'restart' and 'exit' events are recorded. */
function watched(children: ChildSpec[], options: SupervisorOptions = {}) {
  const sup = supervise(children, options);
  const restarts: string[] = [];
  const exits: ExitReason[] = [];
  // (No assert in the listener: it would throw into the supervisor.)
  sup.on('restart', (id, child) => restarts.push(sup.child(id) === child ? id : `${id}, not the running child`));
  sup.on('exit', (reason) => exits.push(reason));
  return { sup, restarts, exits };
}

function proc(sup: Supervisor, id: string): ServerProcess {
  const child = sup.child(id);
  assert.ok(child && !(child instanceof Supervisor), `${id} is a running server process`);
  return child;
}

function exited(process: ServerProcess): Promise<ExitReason> {
  return new Promise((resolve) => process.monitor(resolve));
}

/** Crashes `process` through a throwing handler and resolves once it is dead. */
function crash(process: ServerProcess): Promise<ExitReason> {
  const down = exited(process);
  cast(process, 'crash');
  return down;
}

/** Bumps a worker's count `n` times and returns it. */
async function bump(process: ServerProcess, n: number): Promise<number> {
  for (let i = 0; i < n; i++) cast(process, 'inc');
  return (await call<WorkerState>(process, 'get')).count;
}

/** ids and counts of each child, to compare before and after a restart. */
async function snapshot(sup: Supervisor): Promise<Record<string, [string, number]>> {
  const out: Record<string, [string, number]> = {};
  for (const { id } of sup.children) {
    const p = proc(sup, id);
    out[id] = [p.id, (await call<WorkerState>(p, 'get')).count];
  }
  return out;
}

/** Starts workers and gives each a distinct count (1, 2, 3, ...), so restarted ones show as 0. */
async function started(prefix: string, ids: string[], options: SupervisorOptions) {
  const watchedSup = watched(workers(prefix, ids), options);
  for (const [i, id] of ids.entries()) await bump(proc(watchedSup.sup, id), i + 1);
  return { ...watchedSup, before: await snapshot(watchedSup.sup) };
}

test('one_for_one restarts only the crashed child', async () => {
  const { sup, restarts, before } = await started('o41', ['a', 'b', 'c'], { strategy: 'one_for_one' });
  const oldB = proc(sup, 'b');
  assert.deepEqual(await crash(oldB), { error: 'handling a cast failed: o41.b crashed' });
  await waitFor("b's restart", () => restarts.length >= 1);
  assert.deepEqual(restarts, ['b']);
  const after = await snapshot(sup);
  assert.deepEqual(after.a, before.a, 'a keeps its process and its state');
  assert.deepEqual(after.c, before.c, 'c keeps its process and its state');
  assert.notEqual(after.b![0], before.b![0], 'b is a new process');
  assert.equal(after.b![1], 0, 'b starts from init again');
  assert.equal(whereis('o41.b'), proc(sup, 'b'), 'the restarted child has the name again');
  assert.deepEqual(
    terminations.filter(([tag]) => tag.startsWith('o41.')),
    [['o41.b', { error: 'handling a cast failed: o41.b crashed' }]],
  );
  sup.kill();
});

test('one_for_all stops the others (last first) and restarts every child in order', async () => {
  const { sup, restarts, before } = await started('o4a', ['a', 'b', 'c'], { strategy: 'one_for_all' });
  const old = { a: proc(sup, 'a'), c: proc(sup, 'c') };
  await crash(proc(sup, 'b'));
  await waitFor('three restarts', () => restarts.length >= 3);
  assert.deepEqual(restarts, ['a', 'b', 'c']);
  const after = await snapshot(sup);
  for (const id of ['a', 'b', 'c']) {
    assert.notEqual(after[id]![0], before[id]![0], `${id} is a new process`);
    assert.equal(after[id]![1], 0, `${id} starts from init again`);
    assert.equal(whereis(`o4a.${id}`), proc(sup, id), `${id}'s name points to the new process`);
  }
  assert.deepEqual([old.a.exitReason, old.c.exitReason], ['shutdown', 'shutdown']);
  assert.deepEqual(
    terminations.filter(([tag]) => tag.startsWith('o4a.')),
    [
      ['o4a.b', { error: 'handling a cast failed: o4a.b crashed' }],
      ['o4a.c', 'shutdown'],
      ['o4a.a', 'shutdown'],
    ],
  );
  sup.kill();
});

test('rest_for_one restarts the crashed child and those started after it', async () => {
  const { sup, restarts, before } = await started('r41', ['a', 'b', 'c', 'd'], { strategy: 'rest_for_one' });
  await crash(proc(sup, 'b'));
  await waitFor('three restarts', () => restarts.length >= 3);
  assert.deepEqual(restarts, ['b', 'c', 'd']);
  const after = await snapshot(sup);
  assert.deepEqual(after.a, before.a, 'a, started before b, keeps its process and state');
  for (const id of ['b', 'c', 'd']) {
    assert.notEqual(after[id]![0], before[id]![0], `${id} is a new process`);
    assert.equal(after[id]![1], 0);
  }
  assert.deepEqual(
    terminations.filter(([tag]) => tag.startsWith('r41.')),
    [
      ['r41.b', { error: 'handling a cast failed: r41.b crashed' }],
      ['r41.d', 'shutdown'],
      ['r41.c', 'shutdown'],
    ],
  );
  // The last child crashing restarts only itself.
  const { b, c } = await snapshot(sup);
  await crash(proc(sup, 'd'));
  await waitFor("d's restart", () => restarts.length >= 4);
  assert.deepEqual(restarts.slice(3), ['d']);
  const later = await snapshot(sup);
  assert.deepEqual([later.b, later.c], [b, c]);
  sup.kill();
});

test('a permanent child is restarted after any exit, even a clean one', async () => {
  const { sup, restarts } = watched(workers('perm', ['p']));
  for (const reason of ['normal', 'shutdown', 'killed'] as const) {
    const p = proc(sup, 'p');
    const down = exited(p);
    stop(p, reason);
    assert.equal(await down, reason);
    await waitFor(`the restart after '${reason}'`, () => sup.child('p') !== undefined);
    assert.notEqual(proc(sup, 'p').id, p.id);
  }
  assert.deepEqual(restarts, ['p', 'p', 'p']);
  sup.kill();
});

test("a transient child is restarted after a crash or 'killed', not after 'normal' or 'shutdown'", async () => {
  const { sup, restarts, exits } = watched(
    [...workers('trans', ['t1', 't2'], 'transient'), ...workers('trans', ['crashy'], 'transient')],
    { intensity: 10 },
  );
  const crashy = proc(sup, 'crashy');
  await crash(crashy);
  await waitFor('the restart after a crash', () => restarts.length >= 1);
  assert.notEqual(proc(sup, 'crashy').id, crashy.id);

  const killed = proc(sup, 'crashy');
  stop(killed, 'killed');
  await waitFor("the restart after 'killed'", () => restarts.length >= 2);
  assert.deepEqual(restarts, ['crashy', 'crashy']);

  const t1 = proc(sup, 't1');
  const t2 = proc(sup, 't2');
  stop(t1, 'normal');
  stop(t2, 'shutdown');
  // The supervisor decides in the exit itself: by now any restart would have happened.
  assert.equal(sup.child('t1'), undefined, "not restarted after 'normal'");
  assert.equal(sup.child('t2'), undefined, "not restarted after 'shutdown'");
  // Another crash afterwards is handled as usual, and the clean exits stay final.
  await crash(proc(sup, 'crashy'));
  await waitFor('a third restart', () => restarts.length >= 3);
  assert.deepEqual(restarts, ['crashy', 'crashy', 'crashy']);
  assert.deepEqual([sup.child('t1'), sup.child('t2')], [undefined, undefined]);
  assert.equal(sup.status, 'running');
  assert.deepEqual(exits, []);
  sup.kill();
});

test('a temporary child is never restarted, even after a crash', async () => {
  const { sup, restarts } = watched([...workers('temp', ['t'], 'temporary'), ...workers('temp', ['other'])]);
  const t = proc(sup, 't');
  await crash(t);
  assert.equal(sup.child('t'), undefined);
  // A later restart of a sibling is the barrier: the supervisor has seen both exits.
  await crash(proc(sup, 'other'));
  await waitFor("other's restart", () => restarts.length >= 1);
  assert.deepEqual(restarts, ['other']);
  assert.equal(sup.child('t'), undefined);
  assert.equal(whereis('temp.t'), undefined);
  sup.kill();
});

test('one_for_all and rest_for_one stop a temporary sibling but never restart it', async () => {
  for (const strategy of ['one_for_all', 'rest_for_one'] as const) {
    const prefix = `temp-${strategy}`;
    const { sup, restarts } = watched(
      [...workers(prefix, ['a']), ...workers(prefix, ['t'], 'temporary'), ...workers(prefix, ['c'])],
      { strategy },
    );
    const t = proc(sup, 't');
    await crash(proc(sup, 'a'));
    await waitFor('the restarts', () => restarts.length >= 2);
    assert.deepEqual(restarts, ['a', 'c'], `${strategy}: the temporary child is not started again`);
    assert.equal(t.exitReason, 'shutdown', `${strategy}: the temporary child was stopped`);
    assert.equal(sup.child('t'), undefined, strategy);
    assert.equal(whereis(`${prefix}.t`), undefined, strategy);
    sup.kill();
  }
});

test('a temporary child that already exited is not brought back by a later one_for_all restart', async () => {
  const { sup, restarts } = watched([...workers('temp-gone', ['t'], 'temporary'), ...workers('temp-gone', ['b'])], {
    strategy: 'one_for_all',
  });
  await crash(proc(sup, 't'));
  assert.equal(sup.child('t'), undefined);
  await crash(proc(sup, 'b'));
  await waitFor("b's restart", () => restarts.length >= 1);
  assert.deepEqual(restarts, ['b']);
  assert.equal(sup.child('t'), undefined);
  sup.kill();
});

test('more than `intensity` restarts within `period` stop the supervisor and all its children', async () => {
  const { sup, restarts, exits } = watched(workers('int', ['a', 'b']), { intensity: 2, period: 60_000 });
  await crash(proc(sup, 'a'));
  await crash(proc(sup, 'b'));
  await waitFor('two restarts', () => restarts.length >= 2);
  assert.equal(sup.status, 'running', 'two restarts are within the intensity');
  const b = proc(sup, 'b');
  const bDown = exited(b);
  await crash(proc(sup, 'a'));
  await waitFor('the supervisor to give up', () => exits.length > 0);
  assert.deepEqual(exits, [{ error: 'reached max restart intensity (2 in 60000 ms)' }]);
  assert.equal(sup.status, 'dead');
  assert.deepEqual(restarts, ['a', 'b'], 'the third crash was not restarted');
  assert.equal(await bDown, 'shutdown', 'the surviving child was stopped');
  assert.deepEqual(
    sup.children.map((c) => c.child),
    [undefined, undefined],
  );
  assert.deepEqual([whereis('int.a'), whereis('int.b')], [undefined, undefined]);
  assert.deepEqual(terminations.filter(([tag]) => tag.startsWith('int.')).at(-1), ['int.b', 'shutdown']);
  // A dead supervisor stays dead.
  sup.kill();
  assert.equal(exits.length, 1);
});

test('the default intensity is 3 restarts in 5 s; intensity 0 gives up at the first crash', async () => {
  const defaults = watched(workers('def', ['a']));
  for (let i = 1; i <= 3; i++) {
    await crash(proc(defaults.sup, 'a'));
    await waitFor(`restart ${i}`, () => defaults.restarts.length >= i);
  }
  await crash(proc(defaults.sup, 'a'));
  await waitFor('the supervisor to give up', () => defaults.exits.length > 0);
  assert.deepEqual(defaults.exits, [{ error: 'reached max restart intensity (3 in 5000 ms)' }]);
  assert.equal(defaults.restarts.length, 3);

  const zero = watched(workers('zero', ['a']), { intensity: 0 });
  await crash(proc(zero.sup, 'a'));
  await waitFor('the supervisor to give up', () => zero.exits.length > 0);
  assert.deepEqual(zero.exits, [{ error: 'reached max restart intensity (0 in 5000 ms)' }]);
  assert.deepEqual(zero.restarts, []);
});

test('restarts older than `period` no longer count', async () => {
  // period 0: each restart leaves the window before the next crash, so intensity 1 is never exceeded.
  const { sup, restarts, exits } = watched(workers('window', ['a']), { intensity: 1, period: 0 });
  for (let i = 1; i <= 5; i++) {
    await crash(proc(sup, 'a'));
    await waitFor(`restart ${i}`, () => restarts.length >= i);
  }
  assert.equal(sup.status, 'running');
  assert.deepEqual(exits, []);
  sup.kill();
});

test('kill() stops every child, last first, without restarting any, and exits once', async () => {
  const { sup, restarts, exits } = watched(workers('kill', ['a', 'b', 'c']));
  const children = ['a', 'b', 'c'].map((id) => proc(sup, id));
  await Promise.all(children.map((p) => call(p, 'get')));
  sup.kill();
  assert.equal(sup.status, 'dead');
  assert.deepEqual(exits, ['shutdown']);
  assert.deepEqual(restarts, []);
  assert.deepEqual(
    children.map((p) => p.exitReason),
    ['shutdown', 'shutdown', 'shutdown'],
  );
  assert.deepEqual(
    terminations.filter(([tag]) => tag.startsWith('kill.')),
    [
      ['kill.c', 'shutdown'],
      ['kill.b', 'shutdown'],
      ['kill.a', 'shutdown'],
    ],
  );
  sup.kill();
  assert.deepEqual(exits, ['shutdown']);
});

// supervisor_SUITE's restart tests with a failing start (OTP's try_again_restart): a restart
// whose start fails is tried again, each try counted, until the intensity is spent.
test('restart_fails_then_succeeds: a restart whose start() throws is tried again, and a later try starts the child', async () => {
  let starts = 0;
  const failures: string[] = [];
  const { sup, restarts, exits } = watched(
    [
      {
        id: 'flaky',
        start: () => {
          starts += 1;
          if (starts === 2 || starts === 3) throw new Error('config unreadable');
          return spawn(worker, 'retry.flaky');
        },
      },
    ],
    { intensity: 3, period: 60_000 },
  );
  sup.on('startFailed', (id, failure) => failures.push(`${id}: ${failure}`));
  await crash(proc(sup, 'flaky'));
  await waitFor('the restart to succeed on its third try', () => restarts.length > 0);
  assert.equal(starts, 4);
  assert.deepEqual(failures, [
    'flaky: could not restart flaky: config unreadable',
    'flaky: could not restart flaky: config unreadable',
  ]);
  assert.deepEqual(exits, []);
  assert.equal(sup.status, 'running');
  assert.equal(await bump(proc(sup, 'flaky'), 1), 1);
  sup.kill();
});

test('restart_intensity with a failing start: tries until the intensity is spent, then gives up naming the error', async () => {
  let starts = 0;
  const { sup, restarts, exits } = watched(
    [
      ...workers('badstart', ['a']),
      {
        id: 'flaky',
        start: () => {
          if (++starts > 1) throw new Error('config unreadable');
          return spawn(worker, 'badstart.flaky');
        },
      },
    ],
    { intensity: 3, period: 60_000 },
  );
  const a = proc(sup, 'a');
  await crash(proc(sup, 'flaky'));
  // Before, the error escaped the crashed process's message loop as an unhandled rejection
  // (which ends a Node app); then the supervisor gave up after one try.
  await waitFor('the supervisor to give up', () => exits.length > 0);
  assert.equal(starts, 1 + 3, 'the first start, then one try per restart the intensity allows');
  assert.deepEqual(exits, [
    {
      error:
        'reached max restart intensity (3 in 60000 ms); the last restart failed: could not restart flaky: config unreadable',
    },
  ]);
  assert.equal(sup.status, 'dead');
  assert.deepEqual(restarts, []);
  assert.equal(a.exitReason, 'shutdown');
});

test('a child whose first start() throws makes supervise() throw, and stops the children already started', () => {
  let first: ServerProcess | undefined;
  assert.throws(
    () =>
      supervise([
        { id: 'ok', start: () => (first = spawn(worker, 'failstart.ok', { name: 'failstart.ok' })) },
        {
          id: 'bad',
          start: () => {
            throw new Error('port in use');
          },
        },
      ]),
    new Error("failed to start child 'bad': port in use"),
  );
  assert.equal(first?.exitReason, 'shutdown', 'no orphaned child keeps running');
  assert.equal(whereis('failstart.ok'), undefined);
});

const failingInit = defineServer<number>({
  init(mode) {
    if (mode === 'async') return Promise.reject(new Error('database unreachable'));
    throw new Error('database unreachable');
  },
});

// supervisor_SUITE's sup_start_fail: start_link fails with the child's reason when a child's
// init fails; no supervisor is left running (and restarting it).
test('sup_start_fail: a child whose init throws makes supervise() throw at once with the reason', () => {
  let first: ServerProcess | undefined;
  assert.throws(
    () =>
      supervise([
        { id: 'ok', start: () => (first = spawn(worker, 'initfail.ok', { name: 'initfail.ok' })) },
        { id: 'db', start: () => spawn(failingInit, 'sync', { name: 'initfail.db' }) },
      ]),
    (error: unknown) =>
      error instanceof Error &&
      /^failed to start child 'db': .* did not start: init failed: database unreachable$/.test(error.message),
  );
  assert.equal(first?.exitReason, 'shutdown');
  assert.equal(whereis('initfail.db'), undefined);
});

test('sup_start_fail, async init: the supervisor exits at once with the reason, without restarting the child', async () => {
  let starts = 0;
  const { sup, restarts, exits } = watched([
    ...workers('asyncinit', ['ok']),
    {
      id: 'db',
      start: () => {
        starts += 1;
        return spawn(failingInit, 'async');
      },
    },
  ]);
  const ok = proc(sup, 'ok');
  await waitFor('the supervisor to exit', () => exits.length > 0);
  assert.deepEqual(exits, [{ error: "failed to start child 'db': init failed: database unreachable" }]);
  assert.equal(starts, 1, 'no crash loop');
  assert.deepEqual(restarts, []);
  assert.equal(ok.exitReason, 'shutdown');
});

// OTP's terminate_child + restart_child are not crashes: they never count toward intensity.
test('restart_child: kills asked to restart restart that child alone, not counted toward intensity', async () => {
  const ids = ['a', 'b', 'c', 'd'];
  const { sup, restarts, exits } = watched(workers('restartchild', ids), { strategy: 'one_for_all', intensity: 3 });
  const before = ids.map((id) => proc(sup, id));
  await bump(before[0]!, 5);
  for (const p of before.slice(1)) p.kill('killed', { restart: true });
  assert.deepEqual(restarts, ['b', 'c', 'd'], 'each child alone, whatever the strategy');
  assert.equal(proc(sup, 'a'), before[0], 'a was not restarted');
  assert.equal(await bump(proc(sup, 'a'), 0), 5);
  before[0]!.kill('killed', { restart: true });
  assert.deepEqual(exits, []);
  // The intensity is intact: 3 crashes are still allowed, the 4th gives up.
  for (let i = 0; i < 3; i++) await crash(proc(sup, 'a'));
  assert.equal(sup.status, 'running');
  await crash(proc(sup, 'a'));
  assert.equal(sup.status, 'dead');
});

/** A parent over worker `a` and a nested supervisor `inner` over workers `x` and `y`. */
function nested(prefix: string, parentOptions: SupervisorOptions, innerOptions: SupervisorOptions) {
  const inners: ReturnType<typeof watched>[] = [];
  const parent = watched(
    [
      ...workers(prefix, ['a']),
      {
        id: 'inner',
        start: () => {
          const inner = watched(workers(prefix, ['x', 'y']), innerOptions);
          inners.push(inner);
          return inner.sup;
        },
      },
    ],
    parentOptions,
  );
  return { parent, inners };
}

test("a nested supervisor's giving up escalates to its parent, which restarts it", async () => {
  const { parent, inners } = nested('nest', { intensity: 1, period: 60_000 }, { intensity: 0 });
  const a = proc(parent.sup, 'a');
  await bump(a, 4);
  const first = inners[0]!;
  assert.equal(parent.sup.child('inner'), first.sup);
  const [x, y] = [proc(first.sup, 'x'), proc(first.sup, 'y')];

  await crash(x);
  await waitFor("the parent's restart of inner", () => parent.restarts.length >= 1);
  assert.deepEqual(first.exits, [{ error: 'reached max restart intensity (0 in 5000 ms)' }]);
  assert.equal(first.sup.status, 'dead');
  assert.equal(y.exitReason, 'shutdown', 'the inner supervisor stopped its other child');
  assert.deepEqual(parent.restarts, ['inner']);
  assert.equal(inners.length, 2);
  const second = inners[1]!;
  assert.equal(parent.sup.child('inner'), second.sup);
  assert.notEqual(proc(second.sup, 'x').id, x.id);
  assert.notEqual(proc(second.sup, 'y').id, y.id);
  assert.equal(whereis('nest.x'), proc(second.sup, 'x'));
  assert.equal(proc(parent.sup, 'a'), a, 'the sibling worker keeps its process');
  assert.equal(await bump(a, 0), 4, 'and its state');

  // Again: now the parent's own intensity (1) is exceeded and it gives up too.
  await crash(proc(second.sup, 'y'));
  await waitFor('the parent to give up', () => parent.exits.length > 0);
  assert.deepEqual(parent.exits, [{ error: 'reached max restart intensity (1 in 60000 ms)' }]);
  assert.equal(parent.sup.status, 'dead');
  assert.equal(second.sup.status, 'dead');
  assert.equal(a.exitReason, 'shutdown');
  assert.deepEqual(parent.restarts, ['inner']);
  assert.equal(inners.length, 2, 'inner was not started a third time');
  assert.deepEqual([whereis('nest.a'), whereis('nest.x'), whereis('nest.y')], [undefined, undefined, undefined]);
});

test('a nested supervisor stopped by its parent is not a failure; one_for_all restarts it with its children', async () => {
  const { parent, inners } = nested('nest4a', { strategy: 'one_for_all', intensity: 1 }, {});
  const first = inners[0]!;
  const x = proc(first.sup, 'x');
  await crash(proc(parent.sup, 'a'));
  await waitFor('both restarts', () => parent.restarts.length >= 2);
  assert.deepEqual(parent.restarts, ['a', 'inner']);
  assert.deepEqual(first.exits, ['shutdown'], 'the parent stopped the old inner supervisor');
  assert.deepEqual(first.restarts, [], 'which restarted nothing on its way down');
  assert.equal(x.exitReason, 'shutdown');
  assert.equal(inners.length, 2);
  assert.equal(parent.sup.status, 'running', 'stopping inner did not count as a second restart');
  assert.equal(proc(inners[1]!.sup, 'x').status, 'running');
  parent.sup.kill();
  assert.equal(inners[1]!.sup.status, 'dead');
});

test("a transient nested supervisor that exits with 'shutdown' is not restarted", async () => {
  const parent = watched([
    { id: 'inner', restart: 'transient', start: () => supervise(workers('nestT', ['x'])) },
    ...workers('nestT', ['a']),
  ]);
  const inner = parent.sup.child('inner');
  assert.ok(inner instanceof Supervisor);
  const x = proc(inner, 'x');
  inner.kill();
  assert.equal(x.exitReason, 'shutdown');
  assert.equal(parent.sup.child('inner'), undefined);
  assert.deepEqual(parent.restarts, []);
  assert.equal(parent.sup.status, 'running');
  parent.sup.kill();
});
