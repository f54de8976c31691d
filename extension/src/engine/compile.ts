/**
 * Compiling a saved file into the code a module's next version runs, the way the running
 * version was compiled, because the agent compares the two statement by statement (a load
 * applies the edit, not the module) and another compiler's output would differ everywhere:
 *
 * - a CommonJS `.js` file the app runs as it is: sent as it is (checked for syntax first);
 * - a `.ts` file the app runs compiled by tsc (`src/x.ts` → `dist/x.js`): TypeScript with the
 *   project's own tsconfig (decorators, helpers, target), as tsc emitted the running file;
 * - a `.ts` file the app runs through tsx as CommonJS: esbuild with tsx's settings (names kept,
 *   the project's tsconfig); through ts-node, whose code TypeScript made (running-compilers.ts):
 *   TypeScript, as for tsc's builds;
 * - a `.ts` file Node runs itself (`node src/app.ts`, its types stripped): sent as it is, and
 *   stripped by the agent as Node stripped the running version;
 * - the same for an ES module, in ES module form: an `.mjs`/`.js` file as it is, TypeScript
 *   through tsc or esbuild with the module format kept (the agent reads it as a module);
 * - anything else (a file compiled into a module of another name, JSX): esbuild.
 *
 * Output carries an inline source map, so stack traces and load errors point at the edited file.
 */
import { parse } from 'acorn';
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import { transform, type Loader, type Message } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import type { ModuleInfo } from 'hotpatch-agent/protocol';
import { compileJsonModule } from './json-module';
import { nearestTsconfig, tsconfigOptions } from './tsconfig-mapping';
import type { RunningModule } from './running-compilers';

export interface Compiled {
  code: string;
  compileMs: number;
}

/** A compile error located in the user's file. */
export class CompileError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = 'CompileError';
  }
}

const LOADERS: Record<string, Loader> = {
  '.ts': 'ts',
  '.mts': 'ts',
  '.cts': 'ts',
  '.tsx': 'tsx',
  '.js': 'js',
  '.mjs': 'js',
  '.cjs': 'js',
  '.jsx': 'jsx',
};

// `import.meta` has no CommonJS equivalent in esbuild's output; give it the module's real values.
const IMPORT_META_BANNER = 'var __hotpatch_import_meta_url = require("node:url").pathToFileURL(__filename).href;';

/** The extensions of the files an app may run as they are (compile mode `as-is`). */
export const AS_IS_EXTENSIONS: ReadonlySet<string> = new Set(['.js', '.cjs', '.mjs']);

/** What picks a module's compiler: its file, its format, and where known the compiler of its running code (running-compilers.ts). */
export type CompiledModule = Pick<RunningModule, 'file' | 'format' | 'compiledBy' | 'typescript'>;

/** How a file is compiled for a module: see the top of this file. */
export type CompileMode = 'as-is' | 'tsc' | 'tsx' | 'esbuild' | 'json';

export function compileModeFor(file: string, module?: CompiledModule): CompileMode {
  const extension = extname(file);
  if (extension === '.json') return 'json';
  if (!module) return 'esbuild';
  if (module.file === file && AS_IS_EXTENSIONS.has(extension)) return 'as-is';
  // TypeScript Node runs itself (`node src/app.ts`): sent as it is, the agent strips it as Node did.
  if (module.file === file && module.typescript) return 'as-is';
  const typescript = ['.ts', '.tsx', '.cts', '.mts'].includes(extension);
  if (!typescript) return 'esbuild';
  if (module.file !== file) return 'tsc';
  // The app compiles the file as it loads it: tsx with esbuild, ts-node with TypeScript.
  return module.compiledBy === 'TypeScript' ? 'tsc' : 'tsx';
}

/**
 * `nodeVersion` as the agent reports it (`v22.23.3`) picks esbuild's target; `module`, the
 * running module the file becomes, picks the compiler (see compileModeFor).
 */
export async function compileModule(
  file: string,
  text: string,
  nodeVersion: string,
  module?: CompiledModule,
): Promise<Compiled> {
  if (compileModeFor(file, module) === 'json') return compileJsonModule(file, text);
  const loader = LOADERS[extname(file)];
  if (!loader) throw new CompileError(`${file}: cannot hot-load a '${extname(file)}' file`, file);
  const started = performance.now();
  const mode = compileModeFor(file, module);
  const esm = module?.format === 'esm';
  if (mode === 'tsc') {
    const code = await compileWithTypeScript(file, text, esm ? 'esm' : 'cjs');
    if (code !== undefined) return { code, compileMs: performance.now() - started };
  }
  try {
    compilerStarted = true;
    const result = await transform(text, {
      loader,
      format: esm ? 'esm' : 'cjs',
      platform: 'node',
      target: `node${/^v?(\d+)/.exec(nodeVersion)?.[1] ?? '20'}`,
      sourcefile: file,
      sourcemap: 'inline',
      sourcesContent: false,
      ...(esm
        ? {}
        : {
            banner: text.includes('import.meta') ? IMPORT_META_BANNER : '',
            define: {
              'import.meta.url': '__hotpatch_import_meta_url',
              'import.meta.filename': '__filename',
              'import.meta.dirname': '__dirname',
            },
          }),
      ...(mode === 'tsx' ? tsxSettings(file) : {}),
      logLevel: 'silent',
    });
    return { code: mode === 'as-is' ? text : result.code, compileMs: performance.now() - started };
  } catch (error) {
    const first = (error as { errors?: Message[] }).errors?.[0];
    if (!first) throw error;
    const where = first.location ? `${file}:${first.location.line}:${first.location.column + 1}` : file;
    throw new CompileError(
      `${where}: ${first.text}`,
      file,
      first.location?.line,
      first.location ? first.location.column + 1 : undefined,
    );
  }
}

/** A compile's error, or undefined when it compiled; anything else it threw is said as the file's error too. */
export function syntaxErrorOf(compiling: Promise<Compiled>, file: string): Promise<CompileError | undefined> {
  return compiling.then(
    () => undefined,
    (error: unknown) => (error instanceof CompileError ? error : new CompileError(`${file}: ${String(error)}`, file)),
  );
}

/**
 * The syntax error of a file sent as it is (compile mode `as-is`), or undefined. Where esbuild's
 * service runs (the language server starts it ahead, warmCompiler), esbuild checks it, in its
 * own process while the agents prepare. Else (a CLI run) acorn reads it in this one, as the
 * agent will: starting esbuild's service (0.1–0.6 s) for it was a fifth of a `hotpatch load` of
 * a JavaScript file. Where acorn finds an error, esbuild says what is wrong (its messages name
 * what it expected), or finds none (syntax newer than acorn's); acorn's error stands only when
 * esbuild cannot run at all.
 */
export async function asIsSyntaxError(
  file: string,
  text: string,
  nodeVersion: string,
  module: Pick<ModuleInfo, 'file' | 'format'>,
): Promise<CompileError | undefined> {
  const acornError = compilerStarted ? undefined : acornSyntaxError(file, text, module.format);
  if (!compilerStarted && !acornError) return undefined;
  try {
    await compileModule(file, text, nodeVersion, module);
    return undefined;
  } catch (error) {
    if (error instanceof CompileError) return error;
    return acornError ?? new CompileError(`${file}: ${String(error)}`, file);
  }
}

/** Whether esbuild's service was started (by warmCompiler, or a compile). */
let compilerStarted = false;

/** What acorn finds wrong in `text` read as the agent will: an ES module, or a CommonJS module's body (which may `return`). */
function acornSyntaxError(file: string, text: string, format: ModuleInfo['format']): CompileError | undefined {
  try {
    parse(text, {
      ecmaVersion: 'latest',
      allowHashBang: true,
      ...(format === 'esm' ? { sourceType: 'module' } : { sourceType: 'script', allowReturnOutsideFunction: true }),
    });
    return undefined;
  } catch (error) {
    const { loc, message } = error as { loc?: { line: number; column: number }; message: string };
    if (!loc) return new CompileError(`${file}: ${message}`, file);
    // acorn ends its message with " (line:column)", its column 0-based: the location leads here, as esbuild's does.
    const suffix = ` (${loc.line}:${loc.column})`;
    const what = message.endsWith(suffix) ? message.slice(0, -suffix.length) : message;
    return new CompileError(`${file}:${loc.line}:${loc.column + 1}: ${what}`, file, loc.line, loc.column + 1);
  }
}

/** Starts esbuild's service, which its first transform spawns (0.1–0.6 s), before a save needs it. */
export async function warmCompiler(): Promise<void> {
  compilerStarted = true;
  await transform('', { loader: 'ts', logLevel: 'silent' });
}

/**
 * What tsx gives esbuild besides the format: names kept (`__name(f, "f")`), whitespace
 * minified (which also drops optional parentheses and semicolons), the project's tsconfig.
 */
function tsxSettings(file: string): { keepNames: boolean; minifyWhitespace: boolean; tsconfigRaw?: string } {
  const settings = { keepNames: true, minifyWhitespace: true };
  const config = nearestTsconfig(dirname(file));
  if (!config) return settings;
  try {
    return { ...settings, tsconfigRaw: readFileSync(config, 'utf8') };
  } catch {
    return settings;
  }
}

/**
 * `file` compiled by TypeScript with the options of its nearest tsconfig.json, as tsc emitted
 * the running version; undefined when there is no tsconfig. Syntax errors throw CompileError.
 */
async function compileWithTypeScript(
  file: string,
  text: string,
  format: ModuleInfo['format'],
): Promise<string | undefined> {
  const config = nearestTsconfig(dirname(file));
  const options = config ? await tsconfigOptions(config) : undefined;
  if (!options) return undefined;
  const ts = (await import('typescript')).default;
  const output = ts.transpileModule(text, {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: {
      ...options,
      ...runningFormat(ts, options, format),
      sourceMap: false,
      inlineSourceMap: true,
      inlineSources: false,
      // The map names the source relative to where TypeScript thinks the output goes (beside it);
      // the version runs as the compiled file (dist/…), so debuggers and source-mapped stacks
      // would look for the source there. The source's own folder as the root names it exactly.
      sourceRoot: dirname(file),
      declaration: false,
      declarationMap: false,
      composite: false,
    },
  });
  const error = output.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (error) {
    const message = ts.flattenDiagnosticMessageText(error.messageText, '\n');
    const at =
      error.file && error.start !== undefined ? error.file.getLineAndCharacterOfPosition(error.start) : undefined;
    const where = at ? `${file}:${at.line + 1}:${at.character + 1}` : file;
    throw new CompileError(
      `${where}: ${message}`,
      file,
      at ? at.line + 1 : undefined,
      at ? at.character + 1 : undefined,
    );
  }
  return output.outputText;
}

/**
 * Under "module": "node16" … "nodenext", tsc writes each file as the ES module or the CommonJS
 * module Node will run it as, which it reads from the nearest package.json's "type" (and the
 * file's extension). transpileModule reads no package.json and writes CommonJS: a `"type":
 * "module"` app's next version of a router, all `exports.x = …`, took its routes back. So the
 * format the module runs in, as its agent reports it, decides: an ES module is written as one
 * (with the resolution that goes with it: a single file's transpile resolves nothing).
 */
function runningFormat(
  ts: typeof import('typescript'),
  options: import('typescript').CompilerOptions,
  format: ModuleInfo['format'],
): import('typescript').CompilerOptions {
  const kind = options.module;
  if (format !== 'esm' || kind === undefined || kind < ts.ModuleKind.Node16 || kind > ts.ModuleKind.NodeNext) return {};
  return { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler };
}

/** Maps a 1-based line/column in compiled code back to the source through its inline map. */
export function originalPosition(code: string, line: number, column = 1): { line: number; column: number } | undefined {
  const match = /\/\/# sourceMappingURL=data:application\/json;base64,(\S+)\s*$/.exec(code);
  if (!match) return undefined;
  const map = new TraceMap(Buffer.from(match[1]!, 'base64').toString('utf8'));
  const position = originalPositionFor(map, { line, column: Math.max(0, column - 1) });
  return position.line === null ? undefined : { line: position.line, column: position.column + 1 };
}
