/**
 * The first load's code paths, run once on a small module of this file's own when the first
 * client connects: reading a program (acorn, eslint-scope), instrumenting it, and building a
 * patch from it to an edited version. Run cold, they made the first save's prepare take ten
 * times as long as the next (their functions compiled on first use, in the app's thread, while
 * the save waited). Nothing it makes is kept: its module is never loaded.
 */
import { digestOf } from './digest';
import { instrumentFirstVersion } from './instrument';
import { LiveModule } from './live-module';
import { buildPatch } from './patch';
import { readProgram } from './program';

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

/** Runs once per process; never throws (a warm-up that fails only leaves the first load cold). */
export function warmLiveCode(): void {
  if (warmed) return;
  warmed = true;
  try {
    const running = readProgram(RUNNING);
    const module = new LiveModule('/hotpatch-warm-up.js', {});
    instrumentFirstVersion(running, module);
    buildPatch(digestOf(running), readProgram(EDITED), module, module.nextGeneration());
  } catch {
    // nothing to do: the first load pays what this could not
  }
}
