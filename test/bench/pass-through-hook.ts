/**
 * A module load hook that hands every module on as it is, installed the way the agent installs
 * its own on a Node version: in a hooks thread (`module.register`, Node 20), or in the app's
 * thread (`module.registerHooks`, from 22.15). What any tool that hooks the module loader costs
 * there before it does anything: the floor under the agent's own cost, measured beside it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inThreadHooksWork } from '../../runtime-agent/src/agent';

/** Writes the hook's files into `dir`; returns the Node arguments that install it on Node `version`. */
export function passThroughHook(dir: string): (version: string) => string[] {
  const offThreadHook = join(dir, 'pass-through-hooks.mjs');
  writeFileSync(
    offThreadHook,
    'export async function load(url, context, nextLoad) { return nextLoad(url, context); }\n',
  );
  writeFileSync(
    join(dir, 'pass-through-off-thread.mjs'),
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(offThreadHook).href)});\n`,
  );
  writeFileSync(
    join(dir, 'pass-through-in-thread.cjs'),
    "require('node:module').registerHooks({ load: (url, context, nextLoad) => nextLoad(url, context) });\n",
  );
  return (version) =>
    inThreadHooksWork(version)
      ? ['-r', join(dir, 'pass-through-in-thread.cjs')]
      : ['--import', pathToFileURL(join(dir, 'pass-through-off-thread.mjs')).href];
}
