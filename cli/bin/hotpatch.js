#!/usr/bin/env node
'use strict';
// The CLI's bundle, compiled from V8's code cache in ~/.hotpatch/cache (`HOTPATCH_CACHE_DIR`;
// empty turns it off), by the agent's rules for its own (see build.mjs). The cache is made once
// a command has run, with what it compiled, and read by every later run.
const { join } = require('node:path');
const { requireWithCodeCache } = require('../dist/code-cache.js');

let ran = false;
function fail(error) {
  console.error(`hotpatch: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
try {
  const cli = requireWithCodeCache(join(__dirname, '..', 'dist', 'cli.js'));
  cli.saveWhenWarm(() => ran);
  cli.exports.main(process.argv).then((code) => {
    ran = true;
    process.exitCode = code;
  }, fail);
} catch (error) {
  fail(error);
}
