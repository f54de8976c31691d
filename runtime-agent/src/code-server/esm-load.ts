/**
 * What the module loader gives the app for a hot ES module: the facade for its URL (see
 * esm-facade.ts), and for the facade's import of the original, the code the rest of the
 * loader chain gives, made live (see live/instrument.ts): later versions are patches on it.
 *
 * Synchronous and pure, so it serves both ways of hooking the loader: `module.registerHooks`
 * in the main thread where Node has it (22.15+, where tsx uses it too: registered after tsx,
 * these hooks get tsx's JavaScript, not the TypeScript), and `module.register`'s hooks
 * thread on Node 20 (esm-hooks.ts).
 */
import type { Program } from 'acorn';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  adoptionFooter,
  boundAdoptionFooter,
  facadeSource,
  isOriginalUrl,
  originalUrl,
  type FacadeExports,
} from './esm-facade';
import { hotFileMatcher, type HotFileRules } from './hot-files';
import { transformCache, type Transform } from './transform-cache';
import { acorn } from './live/parsers';
import { AGENT, SlotCounter, instrumentFirstVersion } from './live/instrument';
import { frameworkModuleCode, isFrameworkFile } from './live/registrations';
import { neverAFunction } from './live/never-a-function';
import { isFunction, names as bound, readProgram, type ProgramModel } from './live/program';
import { moduleExportName, type AnyNode } from './live/walk';
import { javascriptFormatOf, stripModuleTypes } from './type-stripping';

export interface LoadResult {
  format?: string | null;
  source?: string | ArrayBuffer | Uint8Array | null;
  shortCircuit?: boolean;
}

/** The load hook's work for `rules`. */
export interface HotModuleLoader {
  /**
   * Before the rest of the chain: for the facade's import of the original, the original's
   * code as made live when the facade was made (the module is not read from disk again).
   */
  madeLive(url: string): LoadResult | undefined;
  /** After the rest of the chain: the result it gave, or what replaces it. */
  load(url: string, result: LoadResult): LoadResult;
}

/** One decoder for every module's bytes: making one cost ≈1 µs a module (issue 13). */
const utf8 = new TextDecoder();

export function hotModuleLoader(
  rules: HotFileRules,
  /**
   * In the app's own thread: called with each hot module's file and code as its first version
   * made live is served, before it or anything importing it runs. Its header then takes the code
   * from what this hands over (see live/esm-sources.ts) instead of carrying it.
   */
  beforeRun?: (file: string, source: string | Uint8Array) => void,
): HotModuleLoader {
  const isHot = hotFileMatcher(rules);
  /** Where module stripping is recorded for the app's modules (type-stripping.ts): in the app's own thread. */
  const inAppThread = beforeRun !== undefined;
  /**
   * The original's code made live when its facade was made, by the original's URL: the
   * facade's load reads the module to know its exports, and that one reading serves the
   * facade's import of the original too (read again, each module was read from disk, parsed
   * and analysed twice).
   */
  const madeLive = new Map<string, string>();
  return {
    madeLive(url) {
      const code = madeLive.get(url);
      if (code === undefined) return undefined;
      madeLive.delete(url);
      return { format: 'module', source: code, shortCircuit: true };
    },
    load(url, result) {
      if (!url.startsWith('file:')) return result;
      if (result.format !== 'module') {
        // TypeScript Node runs itself (`node src/app.ts`), where this thread is the app's: its
        // JavaScript, as Node would strip it (type-stripping.ts), made live as any module's.
        if (!inAppThread || javascriptFormatOf(result.format) !== 'module') return result;
        const file = filePathOf(url);
        if (!isHot(file)) return result;
        return hotModule(url, file, { format: 'module', source: stripModuleTypes(file, sourceText(result.source)) });
      }
      const file = filePathOf(url);
      if (!isHot(file)) {
        return isFrameworkFile(file)
          ? { ...result, source: frameworkModuleCode(file, url, sourceText(result.source), AGENT) }
          : result;
      }
      return hotModule(url, file, result);
    },
  };

  function hotModule(url: string, file: string, result: LoadResult): LoadResult {
    const { code, exports, boundFooter, madeLive: isLive, source } = live(result.source, file, beforeRun !== undefined);
    if (isLive) beforeRun?.(file, source);
    if (isOriginalUrl(url)) return { ...result, source: code };
    // Code this parser cannot read: the module loads as it is, not hot, and V8 says what is wrong.
    if (!exports) return result;
    if (boundFooter !== undefined) return { ...result, source: code + boundFooter };
    if (isLive && servedAtOwnUrl(exports)) return { ...result, source: code + adoptionFooter(url, file) };
    madeLive.set(originalUrl(url), code);
    return { format: 'module', source: facadeSource(url, file, exports), shortCircuit: true };
  }
}

/**
 * The file of a module's `file:` URL. The usual URL of a POSIX path (nothing escaped, no query
 * or fragment) is its path after `file://`; any other is read by fileURLToPath (≈1 µs a module
 * on Node 24, ≈5 µs on Node 20: a share of an app's start, issue 13).
 */
export function filePathOf(url: string): string {
  const plain =
    sep === '/' && url.startsWith('file:///') && !url.includes('%') && !url.includes('?') && !url.includes('#');
  return plain ? url.slice('file://'.length) : fileURLToPath(url);
}

/** What the loader gave as a module's code, as text. */
export function sourceText(source: LoadResult['source']): string {
  return typeof source === 'string' ? source : utf8.decode(source ?? undefined);
}

/** A module's bytes as the decoder reads them: without the byte order mark it leaves out. */
function textBytes(source: ArrayBuffer | Uint8Array): Uint8Array {
  const bytes = source instanceof Uint8Array ? source : new Uint8Array(source);
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return bom ? bytes.subarray(3) : bytes;
}

/**
 * A live module whose every export its importers read as its own binding needs no facade: it
 * is served at its own URL (one module record, not two; its own URL in stack traces), and
 * hands itself to the code server when its top level has run.
 */
function servedAtOwnUrl(exports: FacadeExports): boolean {
  return exports.names.every((name) => exports.direct?.includes(name));
}

/** A module's code made live (see live). */
interface LiveCode {
  code: string;
  exports: FacadeExports | undefined;
  /** What ends its code served at its own URL when its exports read its bindings (made with the rest, once: issue 13). */
  boundFooter?: string;
  /** Whether the code is made live; if not, it is the module's as it is. */
  madeLive: boolean;
  /** The module's code as the loader gave it: text, or its UTF-8 bytes. */
  source: string | Uint8Array;
}

/**
 * The module's code made live and its exports; the code as it is when it cannot be read
 * (the module then cannot take a new version in place), and no exports when the parser
 * cannot read it at all. From the transform cache, found by the module's bytes as the loader
 * read them: a start that finds every module there decodes none (issue 13).
 */
function live(loaded: LoadResult['source'], file: string, sourceHandedOver: boolean): LiveCode {
  const cache = transformCache();
  // Only a transform made the same way: with the code in its header, or handed over.
  const usable = (cached: Transform | undefined): cached is Transform & { exports: FacadeExports } =>
    cached?.exports !== undefined && (cached.sourceHandedOver ?? false) === sourceHandedOver;
  const bytes = loaded && typeof loaded !== 'string' ? textBytes(loaded) : undefined;
  const byBytes = bytes && cache?.get('esm', file, bytes);
  if (usable(byBytes)) return fromCache(byBytes, bytes!);
  const source = sourceText(loaded);
  // By the text too: bytes the decoder mends (not UTF-8) are found by what it makes of them.
  const byText = cache?.get('esm', file, source);
  if (usable(byText)) return fromCache(byText, source);
  let model: ProgramModel;
  try {
    model = readProgram(source, undefined, 'esm');
  } catch {
    return { code: source, exports: exportsOf(source), madeLive: false, source };
  }
  const exports = exportsOfModel(model);
  try {
    const code = instrumentFirstVersion(model, new SlotCounter(file), sourceHandedOver);
    const locals = exports.locals;
    const boundFooter = locals && servedAtOwnUrl(exports) ? boundAdoptionFooter(file, locals) : undefined;
    cache?.put('esm', file, source, { code, exports, boundFooter, sourceHandedOver });
    return { code, exports, boundFooter, madeLive: true, source };
  } catch {
    return { code: source, exports, madeLive: false, source };
  }
}

function fromCache(
  { code, exports, boundFooter }: Transform & { exports: FacadeExports },
  source: string | Uint8Array,
): LiveCode {
  return { code, exports, boundFooter, madeLive: true, source };
}

function exportsOfModel(model: ProgramModel): FacadeExports {
  const names = [...model.exports.keys()];
  // Only a constant the module's code makes, which may be a function, takes the face's value,
  // which follows the loads that assign it again (`export const greet = makeGreeter('howdy')`,
  // a new function each time). Importers read the rest as the module's own bindings, live:
  // - a variable the module assigns, an export of another module's (`export { pool } from
  //   './db.js'`, an import exported again): they change as the app runs;
  // - a function it declares or writes as a constant's value, whose new bodies its calls
  //   forward to, and a class, patched in place: the same object through every load, hoisted
  //   as without the agent (a module in an import cycle may call the function before its own
  //   module has run), itself (an async function, a listener the module removes again);
  // - a constant that is never a function (`new Service()`, `{ … }`, `a * 1000`): the face
  //   would hold the same value (never-a-function.ts).
  const faced = constantsThatMayBeMadeFunctions(model);
  const direct = [...model.exports].flatMap(([name, local]) =>
    name !== '*' && !(local !== undefined && faced.has(local)) ? [name] : [],
  );
  const pairs = [...model.exports];
  const locals = pairs.every(([, local]) => local !== undefined && model.bindings.has(local))
    ? (pairs as Array<[string, string]>)
    : undefined;
  return { names: names.filter((name) => name !== '*'), hasStarReexports: names.includes('*'), direct, locals };
}

/**
 * The module's constants whose value its code makes (`const greet = makeGreeter('howdy')`), not
 * a function or class written there, and which may be a function: a load that runs the statement
 * again makes a new function, which importers that took the old one reach through a trampoline.
 * (A function written there keeps its place, so the one the app holds forwards to its new body.)
 */
function constantsThatMayBeMadeFunctions(model: ProgramModel): Set<string> {
  const made = new Set<string>();
  const bindsName = (name: string): boolean => model.bindings.has(name);
  for (const statement of model.statements) {
    if (statement.declaration !== 'const') continue;
    for (const declarator of statement.node.declarations as AnyNode[]) {
      const init = declarator.init as AnyNode | null;
      if (init !== null && (isFunction(init) || init.type === 'ClassExpression' || neverAFunction(init, bindsName)))
        continue;
      for (const name of bound(declarator.id as AnyNode)) made.add(name);
    }
  }
  return made;
}

/** The exports of code the live reader cannot read, from the parser alone. */
function exportsOf(source: string): FacadeExports | undefined {
  let program: Program;
  try {
    program = acorn().Parser.parse(source, { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: true });
  } catch {
    return undefined;
  }
  const names = new Set<string>();
  let hasStarReexports = false;
  for (const statement of program.body as AnyNode[]) {
    if (statement.type === 'ExportDefaultDeclaration') names.add('default');
    else if (statement.type === 'ExportAllDeclaration') {
      if (statement.exported) names.add(moduleExportName(statement.exported as AnyNode));
      else hasStarReexports = true;
    } else if (statement.type === 'ExportNamedDeclaration') {
      const declaration = statement.declaration as AnyNode | null;
      if (declaration?.type === 'VariableDeclaration') {
        for (const declarator of declaration.declarations as AnyNode[])
          for (const n of bound(declarator.id)) names.add(n);
      } else if (declaration?.id) {
        names.add(moduleExportName(declaration.id as AnyNode));
      }
      for (const specifier of statement.specifiers as AnyNode[])
        names.add(moduleExportName(specifier.exported as AnyNode));
    }
  }
  // It cannot take a new version: its exports are its own, live bindings.
  return { names: [...names], hasStarReexports, direct: [...names] };
}
