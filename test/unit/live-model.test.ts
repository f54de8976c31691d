/**
 * The snapshots the engine's live model hands out (engine/live-model.ts): copies of what the
 * agents reported, frozen, that follow every change, while a module no change touched keeps
 * its snapshot (one load into an app of many modules does not copy them all again).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LiveModel } from '../../extension/src/engine/live-model';
import type { ModuleInfo, ProcessInfo } from '../../runtime-agent/src/protocol';

function moduleInfo(file: string, vsn: string): ModuleInfo {
  const version = { vsn, seq: Number(vsn), hash: `h${vsn}`, loadedAt: '2026-12-03T00:00:00Z', origin: 'startup' };
  return { file, format: 'cjs', sources: [], exports: ['run'], current: version, old: null } as unknown as ModuleInfo;
}

function processInfo(id: string, file: string, mailbox = 0): ProcessInfo {
  return { id, file, server: 'default', status: 'running', mailbox } as unknown as ProcessInfo;
}

function modelWithModules(): LiveModel {
  const model = new LiveModel();
  model.add('a', 'ws://127.0.0.1:1');
  model.setModules('a', [moduleInfo('/app/one.js', '1'), moduleInfo('/app/two.js', '1')]);
  return model;
}

const moduleOf = (model: LiveModel, file: string) => model.agent('a')!.modules.find((m) => m.file === file)!;

test('a load changes its module snapshot and keeps the snapshot of every module it did not touch', () => {
  const model = modelWithModules();
  const one = moduleOf(model, '/app/one.js');
  const two = moduleOf(model, '/app/two.js');
  model.setModule('a', moduleInfo('/app/two.js', '2'));
  assert.equal(moduleOf(model, '/app/one.js'), one, 'the untouched module: the same snapshot');
  const newTwo = moduleOf(model, '/app/two.js');
  assert.notEqual(newTwo, two);
  assert.equal(newTwo.current.vsn, '2');
  assert.equal(two.current.vsn, '1', 'a snapshot handed out before does not change');
});

test('a module snapshot follows the processes of its file, and only of its file', () => {
  const model = modelWithModules();
  const one = moduleOf(model, '/app/one.js');
  const two = moduleOf(model, '/app/two.js');
  model.setProcess('a', processInfo('counter#1', '/app/two.js'));
  assert.equal(moduleOf(model, '/app/one.js'), one);
  assert.deepEqual(
    moduleOf(model, '/app/two.js').processes.map((p) => p.id),
    ['counter#1'],
  );
  assert.equal(two.processes.length, 0);
  model.setProcess('a', processInfo('counter#1', '/app/two.js', 3));
  assert.equal(moduleOf(model, '/app/two.js').processes[0]!.mailbox, 3, 'a changed process shows');
  model.processExited('a', processInfo('counter#1', '/app/two.js'));
  assert.equal(moduleOf(model, '/app/two.js').processes.length, 0);
});

test('snapshots are frozen copies: changing one throws, and the report they copy stays apart', () => {
  const model = new LiveModel();
  model.add('a', 'ws://127.0.0.1:1');
  const reported = moduleInfo('/app/one.js', '1');
  model.setModule('a', reported);
  const snapshot = moduleOf(model, '/app/one.js');
  assert.notEqual(snapshot as unknown, reported);
  assert.ok(Object.isFrozen(snapshot) && Object.isFrozen(snapshot.current) && Object.isFrozen(snapshot.exports));
  assert.throws(() => {
    (snapshot.exports as string[]).push('more');
  }, TypeError);
  assert.ok(Object.isFrozen(model.agents()) && Object.isFrozen(model.agent('a')!.processes));
  assert.equal(Object.isFrozen(reported), false, "the agent's report itself is not frozen");
});
