/**
 * The module hooks thread's entry, for `module.register` (Node 20, and any Node without
 * `module.registerHooks`). A small ES module: the hooks themselves (esm-hooks-library.ts, the
 * parser and reader bundled in) load as CommonJS with V8's code cache, as the app's thread
 * loads the agent's library (code-cache.ts). As an ES module they were compiled anew by every
 * start, in a thread the app's first import waits for. (`__dirname` and `require` are the
 * bundle's: build.mjs.)
 */
import { join } from 'node:path';
import { requireWithCodeCache } from '../code-cache';
import type * as Hooks from './esm-hooks-library';
import { errorMessage } from '../error-message';

const library = requireWithCodeCache(join(__dirname, 'esm-hooks-library.js'));
const hooks = library.exports as typeof Hooks;
const checkSoon = library.saveWhenWarm(hooks.worked);

/**
 * Never the app's end: an error thrown here would end the app's start (Node rethrows it from
 * `module.register`). The hooks then hand every module on as it is: the app runs, not hot.
 */
export function initialize(data: Hooks.HooksData): void {
  try {
    if (library.location) hooks.useTransformCache(library.location, data.app);
    hooks.initialize(data.rules, data.registeredFirst);
  } catch (error) {
    console.error(`[hotpatch] ES modules not hot: the module hooks did not start: ${errorMessage(error)}`);
  }
}

export const load: typeof hooks.load = async (url, context, nextLoad) => {
  const result = await hooks.load(url, context, nextLoad);
  // The app's modules load one after another: the cache is made between two, once one was read.
  checkSoon();
  return result;
};
