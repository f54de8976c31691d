/**
 * The module hooks thread's entry, for `module.register` (Node 20, and any Node without
 * `module.registerHooks`): chains with other loaders such as tsx. The work is esm-load.ts's.
 */
import type { HotFileRules } from './hot-files';
import { hotModuleLoader, type LoadResult } from './esm-load';

interface LoadContext {
  format?: string | null;
}
type NextLoad = (url: string, context?: LoadContext) => Promise<LoadResult>;

let loader: ReturnType<typeof hotModuleLoader> = (_url, result) => result;

export function initialize(rules: HotFileRules): void {
  loader = hotModuleLoader(rules);
}

export async function load(url: string, context: LoadContext, nextLoad: NextLoad): Promise<LoadResult> {
  return loader(url, await nextLoad(url, context));
}
