/**
 * What top levels wrap while they run (the global timer functions, timer-ownership.ts;
 * EventEmitter's listener methods, live/listeners.ts) is put back once the loop turns after the
 * last top level ended, not as each ends: an ES module app runs all its top levels in one turn.
 * A top level still running then keeps them wrapped, and a function someone else put in place
 * meanwhile stays theirs.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { test } from 'node:test';
import { enterTopLevel, leaveTopLevel } from '../../runtime-agent/src/code-server/live/top-level';
import { OwnedTimers, beginCapture, endCapture } from '../../runtime-agent/src/code-server/timer-ownership';

const originalSetTimeout = globalThis.setTimeout;
const originalOn = EventEmitter.prototype.on;

/** A top level as the code server runs one: its frame (listeners) and its timers. */
function topLevel(file: string): { timers: OwnedTimers; end: () => void } {
  const frame = enterTopLevel(file);
  const timers = new OwnedTimers();
  beginCapture(timers);
  return {
    timers,
    end: () => {
      endCapture(timers);
      leaveTopLevel(frame);
    },
  };
}

test('wrapped while top levels run and until the loop turns after the last; their timers are theirs', async () => {
  const first = topLevel('/app/a.mjs');
  assert.notEqual(globalThis.setTimeout, originalSetTimeout);
  assert.notEqual(EventEmitter.prototype.on, originalOn);
  const handle = setTimeout(() => undefined, 60_000);
  first.end();
  const second = topLevel('/app/b.mjs');
  second.end();
  assert.notEqual(globalThis.setTimeout, originalSetTimeout, 'still wrapped in the same turn');
  assert.equal(first.timers.size, 1, "the first top level's timer");
  assert.equal(second.timers.size, 0);
  clearTimeout(handle);
  await nextTurn();
  assert.equal(globalThis.setTimeout, originalSetTimeout, 'put back');
  assert.equal(EventEmitter.prototype.on, originalOn, 'put back');
});

test('a top level still running when the loop turns (it awaits) keeps them wrapped until it ends', async () => {
  const first = topLevel('/app/a.mjs');
  first.end();
  const awaiting = topLevel('/app/awaits.mjs');
  await nextTurn();
  await nextTurn();
  assert.notEqual(globalThis.setTimeout, originalSetTimeout, 'wrapped while it runs');
  assert.notEqual(EventEmitter.prototype.on, originalOn);
  awaiting.end();
  await nextTurn();
  assert.equal(globalThis.setTimeout, originalSetTimeout);
  assert.equal(EventEmitter.prototype.on, originalOn);
});

test('a function put in place by someone else while wrapped stays theirs', async () => {
  const theirs = ((...args: Parameters<typeof setTimeout>) => originalSetTimeout(...args)) as typeof setTimeout;
  const top = topLevel('/app/a.mjs');
  top.end();
  globalThis.setTimeout = theirs;
  await nextTurn();
  assert.equal(globalThis.setTimeout, theirs);
  globalThis.setTimeout = originalSetTimeout;
});
