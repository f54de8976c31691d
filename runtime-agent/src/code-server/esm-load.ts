/**
 * What the module loader gives the app for a hot ES module: the code the rest of the loader
 * chain gives, made live (see live/instrument.ts; later versions are patches on it), with the
 * footer that hands the module to the code server (esm-adoption.ts).
 *
 * Synchronous and pure, so it serves both ways of hooking the loader: `module.registerHooks`
 * in the main thread where Node has it (22.15+, where tsx uses it too: registered after tsx,
 * these hooks get tsx's JavaScript, not the TypeScript), and `module.register`'s hooks
 * thread on Node 20 (esm-hooks.ts).
 */
import { Parser, type Program } from 'acorn';
import { fileURLToPath } from 'node:url';
import { adoptionFooter, type EsmExports } from './esm-adoption';
import { hotFileMatcher, type HotFileRules } from './hot-files';
import { transformCache } from './transform-cache';
import { AGENT, SlotCounter, instrumentFirstVersion } from './live/instrument';
import { frameworkModuleCode, isFrameworkFile } from './live/registrations';
import { names as bound, readProgram, type ProgramModel } from './live/program';
import type { AnyNode } from './live/walk';

export interface LoadResult {
  format?: string | null;
  source?: string | ArrayBuffer | Uint8Array | null;
  shortCircuit?: boolean;
}

/** The load hook's work for `rules`. */
export interface HotModuleLoader {
  /** After the rest of the chain: the result it gave, or what replaces it. */
  load(url: string, result: LoadResult): LoadResult;
}

export function hotModuleLoader(rules: HotFileRules): HotModuleLoader {
  const isHot = hotFileMatcher(rules);
  return {
    load(url, result) {
      if (!url.startsWith('file:') || result.format !== 'module') return result;
      const file = fileURLToPath(url);
      const source = (): string =>
        typeof result.source === 'string' ? result.source : new TextDecoder().decode(result.source ?? undefined);
      if (!isHot(file)) {
        return isFrameworkFile(file) ? { ...result, source: frameworkModuleCode(file, url, source(), AGENT) } : result;
      }
      const { code, exports } = live(source(), file);
      // Code this parser cannot read: the module loads as it is, not hot, and V8 says what is wrong.
      if (!exports) return result;
      return { ...result, source: code + adoptionFooter(url) };
    },
  };
}

/**
 * The module's code made live and its exports; the code as it is when it cannot be read
 * (the module then cannot take a new version in place), and no exports when the parser
 * cannot read it at all.
 */
function live(source: string, file: string): { code: string; exports: EsmExports | undefined } {
  const cached = transformCache()?.get('esm', file, source);
  if (cached?.exports) return { code: cached.code, exports: cached.exports };
  let model: ProgramModel;
  try {
    model = readProgram(source, undefined, 'esm');
  } catch {
    return { code: source, exports: exportsOf(source) };
  }
  const exports = exportsOfModel(model);
  try {
    const code = instrumentFirstVersion(model, new SlotCounter(file));
    transformCache()?.put('esm', file, source, { code, exports });
    return { code, exports };
  } catch {
    return { code: source, exports };
  }
}

function exportsOfModel(model: ProgramModel): EsmExports {
  const names = [...model.exports.keys()];
  return { names: names.filter((name) => name !== '*'), hasStarReexports: names.includes('*') };
}

/** The exports of code the live reader cannot read, from the parser alone. */
function exportsOf(source: string): EsmExports | undefined {
  let program: Program;
  try {
    program = Parser.parse(source, { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: true });
  } catch {
    return undefined;
  }
  const names = new Set<string>();
  let hasStarReexports = false;
  const nameOf = (node: AnyNode): string => String(node.type === 'Identifier' ? node.name : node.value);
  for (const statement of program.body as AnyNode[]) {
    if (statement.type === 'ExportDefaultDeclaration') names.add('default');
    else if (statement.type === 'ExportAllDeclaration') {
      if (statement.exported) names.add(nameOf(statement.exported as AnyNode));
      else hasStarReexports = true;
    } else if (statement.type === 'ExportNamedDeclaration') {
      const declaration = statement.declaration as AnyNode | null;
      if (declaration?.type === 'VariableDeclaration') {
        for (const declarator of declaration.declarations as AnyNode[])
          for (const n of bound(declarator.id)) names.add(n);
      } else if (declaration?.id) {
        names.add(nameOf(declaration.id as AnyNode));
      }
      for (const specifier of statement.specifiers as AnyNode[]) names.add(nameOf(specifier.exported as AnyNode));
    }
  }
  return { names: [...names], hasStarReexports };
}
