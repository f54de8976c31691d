/**
 * The module hooks, for `module.register` (Node 20, and any Node without
 * `module.registerHooks`), loaded by esm-hooks.ts: chains with other loaders such as tsx. The
 * work is esm-load.ts's.
 */
import type { HotFileRules } from './hot-files';
import { hotModuleLoader, type HotModuleLoader, type LoadResult } from './esm-load';
import { nextLoadWithSource, type LoadContext } from './esm-source-read';
import { programsRead } from './live/program';

type NextLoad = (url: string, context?: LoadContext) => Promise<LoadResult>;

let loader: HotModuleLoader | undefined;
/** Whether each ES module's source is read here, ahead of Node's own load (esm-source-read.ts). */
let readsSources = false;

export { useTransformCache } from './transform-cache';

/** Whether the hooks have read one of the app's modules: their code cache is made then. */
export const worked = (): boolean => programsRead() > 0;

/**
 * What the app's thread hands the hooks thread (agent.ts): which files are hot, the app (see
 * appStarted), and whether these hooks were registered first (agentHooksRegisteredFirst).
 */
export interface HooksData {
  rules: HotFileRules;
  app: string;
  registeredFirst: boolean;
}

export function initialize(rules: HotFileRules, registeredFirst: boolean): void {
  loader = hotModuleLoader(rules);
  readsSources = registeredFirst;
}

export async function load(url: string, context: LoadContext, nextLoad: NextLoad): Promise<LoadResult> {
  if (!loader) return nextLoad(url, context);
  const made = loader.madeLive(url);
  if (made) return made;
  const result = await (readsSources ? nextLoadWithSource(url, context, nextLoad) : nextLoad(url, context));
  try {
    return loader.load(url, result);
  } catch {
    return result; // never the app's end: the module loads as it is, not hot
  }
}
