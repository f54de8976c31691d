/**
 * A supervisor's code change in this Node process, without an agent (OTP's
 * supervisor:code_change and the appup cookbook's "changing a supervisor"): the diff of child
 * specs by id, and what Supervisor.codeChange does to the running children.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defineServer, spawn, supervise, type ChildSpec, type ServerProcess } from '../../runtime-agent/src/index';
import { enterTopLevel, leaveTopLevel } from '../../runtime-agent/src/code-server/live/top-level';
import { DefinitionCollector, beginDefinitions, endDefinitions } from '../../runtime-agent/src/processes/define-server';
import { diffChildSpecs } from '../../runtime-agent/src/processes/supervision/child-specs';
import { commitTrees, discardTrees } from '../../runtime-agent/src/processes/supervision/trees';

const worker = defineServer<number, 'get', number, 'crash'>({
  init: () => 0,
  handleCall: (_message, state) => ({ reply: state, state }),
  handleCast: () => {
    throw new Error('crashed');
  },
});

let unique = 0;
function specs(ids: string[], restart?: ChildSpec['restart']): ChildSpec[] {
  const run = ++unique;
  return ids.map((id) => ({
    id,
    start: () => spawn(worker, undefined, { name: `${id}.${run}` }),
    ...(restart ? { restart } : {}),
  }));
}

test('code_change diff: children are matched by id; a changed restart type is a changed spec, a new closure is not', () => {
  const running = specs(['a', 'b', 'c']);
  const next = [...specs(['c', 'a']), ...specs(['b'], 'temporary'), ...specs(['d'])];
  assert.deepEqual(diffChildSpecs(running, next), {
    unchanged: ['c', 'a'],
    changed: ['b'],
    added: ['d'],
    removed: [],
  });
  assert.deepEqual(diffChildSpecs(running, specs(['b'])), {
    unchanged: ['b'],
    changed: [],
    added: [],
    removed: ['a', 'c'],
  });
});

test('code_change: kept children run on, removed ones are terminated (not restarted), added ones start in their new place', async () => {
  const sup = supervise(specs(['a', 'b', 'c']));
  const kept = sup.child('a') as ServerProcess;
  const removed = sup.child('b') as ServerProcess;
  const restarts: string[] = [];
  sup.on('restart', (id) => restarts.push(id));

  const change = sup.codeChange(specs(['d', 'a', 'c']), { strategy: 'rest_for_one', intensity: 7 });

  assert.deepEqual(change, {
    unchanged: ['a', 'c'],
    changed: [],
    added: ['d'],
    removed: ['b'],
    options: ['strategy one_for_one → rest_for_one', 'intensity 3 → 7'],
    failed: [],
  });
  assert.equal(sup.child('a'), kept);
  assert.equal(removed.status, 'dead');
  assert.equal(removed.exitReason, 'shutdown');
  assert.deepEqual(
    sup.children.map((c) => c.id),
    ['d', 'a', 'c'],
  );
  assert.equal((sup.child('d') as ServerProcess).status, 'running');
  assert.deepEqual(sup.options, { strategy: 'rest_for_one', intensity: 7, period: 5000 });
  assert.deepEqual(restarts, [], 'none of it was a restart');
  sup.kill();
});

test('code_change with specs it cannot run with throws and changes nothing', () => {
  const sup = supervise(specs(['a']));
  const a = sup.child('a');
  assert.throws(() => sup.codeChange([...specs(['a']), ...specs(['a'])]), /two children have the id 'a'/);
  assert.throws(() => sup.codeChange(specs(['a']), { strategy: 'one_for_some' as 'one_for_one' }), /unknown strategy/);
  assert.equal(sup.child('a'), a);
  assert.deepEqual(sup.options.strategy, 'one_for_one');
  sup.kill();
});

test('code_change: an added child whose start throws is tried again as a restart, and reported', async () => {
  const sup = supervise(specs(['a']), { intensity: 5 });
  let tries = 0;
  const flaky: ChildSpec = {
    id: 'flaky',
    start: () => {
      if (++tries < 2) throw new Error('not yet');
      return spawn(worker);
    },
  };
  const restarted = new Promise<string>((resolve) => sup.once('restart', resolve));
  const change = sup.codeChange([...specs(['a']), flaky]);
  assert.deepEqual(change.failed, ['flaky: not yet']);
  assert.equal(await restarted, 'flaky');
  assert.equal(sup.status, 'running');
  sup.kill();
});

test('supervise: a name is registered once; a second running tree cannot take it', () => {
  const first = supervise(specs(['a']), { name: 'unit.named' });
  assert.throws(() => supervise(specs(['b']), { name: 'unit.named' }), /the name 'unit.named' is already registered/);
  first.kill();
  const again = supervise(specs(['c']), { name: 'unit.named' });
  assert.equal(again.name, 'unit.named');
  again.kill();
});

/** Runs `run` as a hot module's top level would run (at startup, or as a load when `loading`). */
function asTopLevel<T>(file: string, loading: boolean, run: () => T): { result: T; collector: DefinitionCollector } {
  const collector = new DefinitionCollector(file);
  beginDefinitions(collector);
  const frame = enterTopLevel(file, loading);
  try {
    return { result: run(), collector };
  } finally {
    leaveTopLevel(frame);
    endDefinitions(collector);
  }
}

test('code_change of a tree with a nested supervisor: a load pairs the supervise() call with the tree, not with the supervisor a child spec started', () => {
  const file = '/virtual/nested-tree.js';
  const inner = (): ChildSpec => ({ id: 'inner', start: () => supervise(specs(['w'])) });
  const { result: tree } = asTopLevel(file, false, () => supervise([inner(), ...specs(['a'])]));
  const nested = tree.child('inner');

  const { result: again, collector } = asTopLevel(file, true, () => supervise([inner(), ...specs(['a', 'b'])]));
  assert.equal(again, tree, 'the running tree, not a second one');
  assert.equal(tree.children.length, 2, 'staged: nothing changes before the commit');
  const committed = commitTrees(collector.trees);
  assert.deepEqual(committed.ran, ['the supervisor of inner, a updated in place: kept inner, a; started b']);
  assert.equal(tree.child('inner'), nested);
  tree.kill();
});

test('a version that is discarded stops the trees its top level started, and leaves the running ones as they were', () => {
  const file = '/virtual/discarded-tree.js';
  const { result: tree } = asTopLevel(file, false, () => supervise(specs(['a'])));
  const { collector } = asTopLevel(file, true, () => {
    supervise(specs(['a', 'b'])); // pairs with the running tree: staged only
    return supervise(specs(['c'])); // a new tree, started now
  });
  const started = collector.trees.started[0]!;
  assert.equal(started.status, 'running');
  discardTrees(collector.trees);
  assert.equal(started.status, 'dead');
  assert.deepEqual(
    tree.children.map((c) => c.id),
    ['a'],
  );
  tree.kill();
});
