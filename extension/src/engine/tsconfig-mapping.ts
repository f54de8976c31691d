/**
 * Mapping a source file to the file tsc emits for it when there is no source map to say so:
 * the nearest tsconfig.json's rootDir → outDir (src/x.ts → dist/x.js).
 */
import { existsSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';

const EMITTED: Record<string, string> = { '.ts': '.js', '.tsx': '.js', '.mts': '.mjs', '.cts': '.cjs' };

/** The JS file tsc would write for `file`, or undefined when no tsconfig maps it. */
export async function emittedFile(file: string): Promise<string | undefined> {
  const extension = EMITTED[extname(file)];
  if (!extension) return undefined;
  const config = nearestTsconfig(dirname(file));
  if (!config) return undefined;
  const { outDir, rootDir } = (await tsconfigOptions(config)) ?? {};
  if (!outDir) return undefined;
  const root = rootDir ?? dirname(config);
  const rel = relative(root, file);
  if (rel.startsWith('..')) return undefined;
  return resolve(outDir, rel.slice(0, -extname(rel).length) + extension);
}

/** The compiler options of a tsconfig.json, read by TypeScript itself (comments, trailing commas, `extends`). */
export async function tsconfigOptions(config: string): Promise<import('typescript').CompilerOptions | undefined> {
  const ts = (await import('typescript')).default;
  const parsed = ts.getParsedCommandLineOfConfigFile(
    config,
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  );
  return parsed?.options;
}

export function nearestTsconfig(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    const candidate = join(current, 'tsconfig.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(current) === current) return undefined;
  }
}
