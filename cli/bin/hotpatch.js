#!/usr/bin/env node
'use strict';
require('../dist/cli.js')
  .main(process.argv)
  .then(
    (code) => (process.exitCode = code),
    (error) => {
      console.error(`hotpatch: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 2;
    },
  );
