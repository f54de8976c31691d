/**
 * Module customization hooks (registered with `module.register`, which chains with other
 * loaders such as tsx, on Node 20, 22 and 24): a hot ES module is answered with its facade;
 * the facade's import of the original goes through the rest of the chain unchanged.
 */
import { init, parse } from 'es-module-lexer';
import { fileURLToPath } from 'node:url';
import { facadeSource, isOriginalUrl, type FacadeExports } from './esm-facade';
import { hotFileMatcher, type HotFileRules } from './hot-files';

interface LoadContext {
  format?: string | null;
}
interface LoadResult {
  format?: string | null;
  source?: string | ArrayBuffer | Uint8Array | null;
  shortCircuit?: boolean;
}
type NextLoad = (url: string, context?: LoadContext) => Promise<LoadResult>;

let isHot: (file: string) => boolean = () => false;

export function initialize(rules: HotFileRules): void {
  isHot = hotFileMatcher(rules);
}

export async function load(url: string, context: LoadContext, nextLoad: NextLoad): Promise<LoadResult> {
  const result = await nextLoad(url, context);
  if (!url.startsWith('file:') || result.format !== 'module' || isOriginalUrl(url)) return result;
  if (!isHot(fileURLToPath(url))) return result;
  const source =
    typeof result.source === 'string' ? result.source : new TextDecoder().decode(result.source ?? undefined);
  return { format: 'module', source: facadeSource(url, await exportsOf(source)), shortCircuit: true };
}

async function exportsOf(source: string): Promise<FacadeExports> {
  await init();
  const [, exports] = parse(source);
  const values = exports.filter((e) => !e.typeOnly);
  return {
    names: values.flatMap((e) => (e.type === 'reexport-all' ? [] : [e.name])),
    hasStarReexports: values.some((e) => e.type === 'reexport-all'),
  };
}
