/**
 * TypeScript that Node runs itself: `node src/app.ts` (Node ≥ 22.18 and 23.6 strip types by
 * default, `--experimental-transform-types` transforms enums and namespaces too). Node hands such
 * a module to the loader as TypeScript (format `module-typescript` or `commonjs-typescript`) and
 * strips it as it compiles it; the agent reads, instruments and compares JavaScript, so it strips
 * the module's types first, with the function Node strips them with (`module.stripTypeScriptTypes`),
 * in the mode this process runs (`process.features.typescript`), and hands Node the JavaScript.
 *
 * The module's next versions come as the TypeScript the user saved (its ModuleInfo says
 * `typescript`), stripped here the same way: the unchanged statements read exactly as the running
 * ones, which another compiler's code would not (esbuild's reads otherwise in every statement).
 */
import nodeModule from 'node:module';

export type TypeStrippingMode = 'strip' | 'transform';

/** The JavaScript format Node runs a module of each TypeScript format as. */
const JAVASCRIPT_FORMATS: Record<string, 'commonjs' | 'module'> = {
  'commonjs-typescript': 'commonjs',
  'module-typescript': 'module',
};

/** The files whose types this thread stripped, as Node loaded them. */
const stripped = new Set<string>();

interface NodeTypeStripping {
  stripTypeScriptTypes?(code: string, options?: { mode?: TypeStrippingMode }): string;
}

/** How this process runs TypeScript Node loads itself; undefined where it does not (Node 20, `--no-experimental-strip-types`). */
export function typeStrippingMode(): TypeStrippingMode | undefined {
  const mode = (process.features as { typescript?: unknown }).typescript;
  const strip = (nodeModule as unknown as NodeTypeStripping).stripTypeScriptTypes;
  return (mode === 'strip' || mode === 'transform') && typeof strip === 'function' ? mode : undefined;
}

/** The JavaScript format of a TypeScript format Node loads a module as (see JAVASCRIPT_FORMATS), else undefined. */
export function javascriptFormatOf(format: unknown): 'commonjs' | 'module' | undefined {
  return typeof format === 'string' ? JAVASCRIPT_FORMATS[format] : undefined;
}

/**
 * `code` (TypeScript) as the JavaScript Node would run, for `file`, which is then known to be
 * stripped here (strippedModeOf). Throws Node's own error for code Node would refuse.
 */
export function stripModuleTypes(file: string, code: string): string {
  const javascript = stripTypes(code);
  stripped.add(file);
  return javascript;
}

/** The mode a module this thread stripped at its load is stripped in, else undefined. */
export function strippedModeOf(file: string): TypeStrippingMode | undefined {
  return stripped.has(file) ? typeStrippingMode() : undefined;
}

/**
 * Node's stripping of `code`. Its public function warns that it is experimental, once per
 * process, on the app's stderr, which Node's own loader does not for the same work: the one
 * warning is left out here, in a synchronous call in which nothing else of the app's runs.
 */
export function stripTypes(code: string): string {
  const mode = typeStrippingMode();
  const strip = (nodeModule as unknown as NodeTypeStripping).stripTypeScriptTypes;
  if (!mode || !strip) throw new Error('this Node does not run TypeScript itself');
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]): void {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (text.includes('stripTypeScriptTypes')) return;
    (emitWarning as (...args: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return strip(code, { mode });
  } finally {
    process.emitWarning = emitWarning;
  }
}
