/**
 * Compiling a saved file into the code a module's next version runs: CommonJS for every
 * module (the agent evaluates each version as CommonJS; for ES modules it refreshes the
 * facade's live bindings), targeted at the app's Node version, with an inline source map so
 * stack traces in the app and load errors point at the file the user edited.
 */
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import { transform, type Loader, type Message } from 'esbuild';
import { extname } from 'node:path';

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

/** `nodeVersion` as the agent reports it (`v22.23.3`) picks esbuild's target. */
export async function compileModule(file: string, text: string, nodeVersion: string): Promise<Compiled> {
  const loader = LOADERS[extname(file)];
  if (!loader) throw new CompileError(`${file}: cannot hot-load a '${extname(file)}' file`, file);
  const started = performance.now();
  try {
    const result = await transform(text, {
      loader,
      format: 'cjs',
      platform: 'node',
      target: `node${/^v?(\d+)/.exec(nodeVersion)?.[1] ?? '20'}`,
      sourcefile: file,
      sourcemap: 'inline',
      sourcesContent: false,
      banner: text.includes('import.meta') ? IMPORT_META_BANNER : '',
      define: {
        'import.meta.url': '__hotpatch_import_meta_url',
        'import.meta.filename': '__filename',
        'import.meta.dirname': '__dirname',
      },
      logLevel: 'silent',
    });
    return { code: result.code, compileMs: performance.now() - started };
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

/** Maps a 1-based line/column in compiled code back to the source through its inline map. */
export function originalPosition(code: string, line: number, column = 1): { line: number; column: number } | undefined {
  const match = /\/\/# sourceMappingURL=data:application\/json;base64,(\S+)\s*$/.exec(code);
  if (!match) return undefined;
  const map = new TraceMap(Buffer.from(match[1]!, 'base64').toString('utf8'));
  const position = originalPositionFor(map, { line, column: Math.max(0, column - 1) });
  return position.line === null ? undefined : { line: position.line, column: position.column + 1 };
}
