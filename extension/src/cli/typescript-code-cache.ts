/**
 * TypeScript for a CLI run's state-type checks and tsc-style compiles, compiled from V8's code
 * cache by the rules of the CLI's own bundle (hotpatch-agent/code-cache: a folder only this user
 * can write, the cache named by TypeScript's size and modification time and Node's version). A
 * CLI pays for what it compiles on every run: `hotpatch load` of a TypeScript module spent
 * ≈310 ms in `require('typescript')` (9 MB), ≈180 ms from the cache (issue 13). The cache is made
 * once TypeScript has been used, with the functions that use compiled.
 *
 * Put in require's cache before anything of the CLI requires TypeScript, which then gets this
 * instance. Where it cannot be (no such package, a cache turned off), TypeScript loads as
 * require loads it, when first required.
 */
import { requireWithCodeCache } from 'hotpatch-agent/code-cache';

/** Loads TypeScript now; the function returned says it has been used (its cache is made then). */
export function typescriptFromCodeCache(): () => void {
  let file: string;
  try {
    file = require.resolve('typescript');
  } catch {
    return () => undefined; // not installed: the command says so where it needs it
  }
  let used = false;
  try {
    const check = requireWithCodeCache(file).saveWhenWarm(() => used);
    return () => {
      used = true;
      check();
    };
  } catch {
    // Compiled as require compiles it, when first required.
    return () => undefined;
  }
}
