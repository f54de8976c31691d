/**
 * The first load's code paths, run once on a small module of this file's own when the first
 * client connects: reading a program (acorn, eslint-scope), instrumenting it, and building a
 * patch from it to an edited version. Run cold, they made the first save's prepare take ten
 * times as long as the next (their functions compiled on first use, in the app's thread, while
 * the save waited). Nothing it makes is kept: its module is never loaded.
 */
// Node's own: the agent's timer ownership wraps the global ones (timer-ownership.ts).
import { setTimeout } from 'node:timers';
import { digestOf } from './digest';
import { instrumentFirstVersion } from './instrument';
import { LiveModule } from './live-module';
import { buildPatch } from './patch';
import { readProgram, type ModuleKind, type ProgramModel } from './program';

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

let warmed = false;

/**
 * How long after a client connects the warm-up runs. It holds the app's thread ≈40 ms: run at
 * once, it made a listing wait (`hotpatch ls` asks twice and is gone sooner), a `hotpatch load`
 * too, whose own first prepare runs these paths anyway. An editor's first save comes seconds
 * after it connected, long after the warm-up.
 */
const AFTER_CONNECT_MS = 100;
let warmUpTimer: NodeJS.Timeout | undefined;

/**
 * Runs warmLiveCode AFTER_CONNECT_MS after a client connected, if a client is still connected
 * then (`stillWanted`): a listing that has come and gone leaves the app's thread alone, and
 * the next client's connection tries again.
 */
export function warmLiveCodeAfterConnect(stillWanted: () => boolean): void {
  if (warmed || warmUpTimer) return;
  warmUpTimer = setTimeout(() => {
    warmUpTimer = undefined;
    if (stillWanted()) warmLiveCode();
  }, AFTER_CONNECT_MS).unref();
}

/** Runs once per process; never throws (a warm-up that fails only leaves the first load cold). */
export function warmLiveCode(): void {
  if (warmed) return;
  warmed = true;
  try {
    const running = readProgram(RUNNING);
    patchOnce('/hotpatch-warm-up.js', running, readProgram(EDITED));
  } catch {
    // nothing to do: the first load pays what this could not
  }
}

/** The most of a module (characters, ≈100 lines) one round of warmReading reads. */
const SLICE_CHARS = 8_000;

/**
 * One round of a module's reading paths, on its first top-level statements only (up to
 * SLICE_CHARS): read, made live and compared with an edit of itself in which every function's
 * body changed, on a module of its own, never loaded or evaluated. Compared with itself
 * unchanged (agent/warm's rounds of the whole), the paths a changed function takes stayed cold
 * and a first save that changed 500 functions ran them cold. V8 optimizes a function once it
 * has run a while, whatever the module: rounds on a slice compile the same code as rounds on
 * the whole module, each holding the app's thread for a fifth of the time or less (a 500-line
 * module's cold round of agent/warm took 50–60 ms). `statementEnds` are where the module's
 * top-level statements end in `code`. Returns whether it could read the slice; never throws.
 */
export function warmReading(code: string, kind: ModuleKind, statementEnds: readonly number[]): boolean {
  const end = statementEnds.filter((at) => at <= SLICE_CHARS).at(-1);
  if (end === undefined) return false;
  const slice = code.slice(0, end);
  try {
    const running = readProgram(slice, undefined, kind);
    patchOnce('/hotpatch-warm-up-slice.js', running, readProgram(withBodiesChanged(running), undefined, kind));
    return true;
  } catch {
    return false; // a slice this reader cannot take alone (a module inside a wrapper): no more rounds
  }
}

/** `running` made live in a module of its own (`file`, never loaded) and patched to `edited`; the patch is dropped. */
function patchOnce(file: string, running: ProgramModel, edited: ProgramModel): void {
  const module = new LiveModule(file);
  instrumentFirstVersion(running, module);
  buildPatch(digestOf(running), edited, module, module.nextGeneration());
}

/** `program`'s code with an empty statement opening each function's block body: each function's own code changed. */
function withBodiesChanged(program: ProgramModel): string {
  const opens = program.functions
    .map((f) => f.node.body)
    .filter((body) => body.type === 'BlockStatement')
    .map((body) => body.start + 1)
    .sort((a, b) => a - b);
  let text = '';
  let at = 0;
  for (const open of opens) {
    text += program.code.slice(at, open) + ';';
    at = open;
  }
  return text + program.code.slice(at);
}
