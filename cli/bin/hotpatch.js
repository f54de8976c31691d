#!/usr/bin/env node
'use strict';
// Node ≥ 22.1 keeps the compiled code of the CLI between runs (in the OS temp folder), as tsc's
// own bin does: a run then skips most of the parsing of its modules. Older Node has no such API.
require('node:module').enableCompileCache?.();
// An ES module, so that each command's code loads only when that command runs (see build.mjs).
import('../dist/cli.mjs')
  .then(({ main }) => main(process.argv))
  .then(
    (code) => (process.exitCode = code),
    (error) => {
      console.error(`hotpatch: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 2;
    },
  );
