/**
 * The first load's code paths, run when the first client connects, off the load path:
 * reading a program (acorn, eslint-scope), instrumenting it, and building a patch. Run cold,
 * they made the first saves' prepare take several times as long as later ones: their
 * functions compiled on first use, then optimised over the next few dozen loads, in the app's
 * thread, while the saves waited.
 *
 * First a small module of this file's own, edited (the paths of a change), once; then one of
 * the app's own modules read at startup, patched to itself, round after round: V8 optimises
 * for the code it meets, and a small sample module left the first real loads as slow as
 * before. Each round runs in a turn of its own, so a load that comes meanwhile waits for one
 * round at most, and the rounds stop at the first load (loads warm the paths themselves).
 * Nothing made here is kept: no module is loaded, no slot of a real module is taken.
 */
import { digestOf } from './digest';
import { instrumentFirstVersion } from './instrument';
import { LiveModule } from './live-module';
import { buildPatch } from './patch';
import { readProgram, type ModuleKind } from './program';

const RUNNING = `'use strict';
const express = require('express');
const items = [];
let count = 0;
class Store { list = []; add(item) { this.list.push(item); return this.list.length; } }
function handler(req, res) { count++; res.json(items.map((item) => ({ ...item, count }))); }
const router = express.Router();
router.get('/items', handler);
router.post('/items', async (req, res) => { items.push(req.body); res.status(201).end(); });
exports.handler = handler;
exports.Store = Store;
`;
const EDITED = RUNNING.replace('count++;', 'count += 2;').replace("'/items', handler", "'/all', handler");

/** Rounds over the app's module: measured, the first load after 40 cost a fifth of one after none. */
const ROUNDS = 40;
/** The largest module taken as the sample (bytes): a round over it costs about a load of it. */
const MAX_SAMPLE = 64 * 1024;
const WARM_UP_FILE = '/hotpatch-warm-up.js';

let warmed = false;
let stopped = false;
/** The largest module (up to MAX_SAMPLE) the app loaded live, as it was read at startup. */
let sample: { code: string; kind: ModuleKind } | undefined;

/** A module read at startup: the largest becomes the sample the rounds run on. */
export function noteStartupModule(code: string, kind: ModuleKind): void {
  if (code.length <= MAX_SAMPLE && code.length > (sample?.code.length ?? 0)) sample = { code, kind };
}

/** A real load is being read: the rounds left would only take time from it. */
export function stopWarmUp(): void {
  stopped = true;
}

/** Starts once per process; never throws (a warm-up that fails only leaves the first loads cold). */
export function warmLiveCode(): void {
  if (warmed) return;
  warmed = true;
  try {
    const running = readProgram(RUNNING);
    const module = new LiveModule(WARM_UP_FILE, {});
    instrumentFirstVersion(running, module);
    buildPatch(digestOf(running), readProgram(EDITED), module, module.nextGeneration());
  } catch {
    return; // nothing to do: the first load pays what this could not
  }
  if (sample) roundsOn(sample, ROUNDS);
}

function roundsOn({ code, kind }: { code: string; kind: ModuleKind }, left: number): void {
  if (stopped || left <= 0) return;
  try {
    const model = readProgram(code, undefined, kind);
    const module = new LiveModule(WARM_UP_FILE, {});
    instrumentFirstVersion(model, module);
    buildPatch(digestOf(model), readProgram(code, undefined, kind), module, module.nextGeneration());
  } catch {
    return;
  }
  setImmediate(() => roundsOn({ code, kind }, left - 1));
}
