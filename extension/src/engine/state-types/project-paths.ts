/**
 * Imports resolved as the app's own tsconfig.json resolves them: its `paths` and `baseUrl`
 * (`import type { Task } from '@/types/task'`), which tsx, bundlers and tsc follow. The analysis
 * has options of its own (language-service.ts); without these, an aliased import resolved to
 * nothing, the state typed with it read as an error type the same before and after a save, and a
 * changed type loaded with no migration asked for.
 */
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import ts from 'typescript';
import { nearestTsconfig } from '../tsconfig-mapping';

/** How the imports of one file are resolved: the options, and the cache that goes with them. */
export interface Resolution {
  options: ts.CompilerOptions;
  cache: ts.ModuleResolutionCache;
}

/** The options of a tsconfig.json that say where an import's name leads. */
const PATH_OPTIONS = ['paths', 'baseUrl', 'pathsBasePath'] as const;

export class ProjectPaths {
  readonly #base: Resolution;
  /** The nearest tsconfig.json of each folder asked about (undefined: none up to the root). */
  readonly #configOfDir = new Map<string, string | undefined>();
  readonly #byConfig = new Map<string, Resolution & { mtime: number }>();

  constructor(base: ts.CompilerOptions) {
    this.#base = { options: base, cache: ts.createModuleResolutionCache(process.cwd(), (f) => f, base) };
  }

  /** How `containingFile`'s imports resolve: the analysis's options, with its project's paths. */
  for(containingFile: string): Resolution {
    const config = this.#nearestConfig(dirname(containingFile));
    if (!config) return this.#base;
    const mtime = mtimeOf(config);
    const known = this.#byConfig.get(config);
    if (known?.mtime === mtime) return known;
    const paths = pathOptions(config);
    const options = paths === undefined ? undefined : { ...this.#base.options, ...paths };
    const resolution = options
      ? { options, cache: ts.createModuleResolutionCache(dirname(config), (f) => f, options), mtime }
      : { ...this.#base, mtime };
    this.#byConfig.set(config, resolution);
    return resolution;
  }

  #nearestConfig(dir: string): string | undefined {
    if (!this.#configOfDir.has(dir)) this.#configOfDir.set(dir, nearestTsconfig(dir));
    return this.#configOfDir.get(dir);
  }
}

/**
 * The path options of a tsconfig.json, read by TypeScript (comments, `extends`); undefined when it
 * has none or cannot be read. Its files are not listed: only its options are wanted.
 */
function pathOptions(config: string): Partial<ts.CompilerOptions> | undefined {
  const read = ts.readConfigFile(config, ts.sys.readFile);
  if (read.error) return undefined;
  const host: ts.ParseConfigHost = { ...ts.sys, readDirectory: () => [] };
  const { options } = ts.parseJsonConfigFileContent(read.config, host, dirname(config), undefined, config);
  const picked = Object.fromEntries(
    PATH_OPTIONS.filter((key) => options[key] !== undefined).map((key) => [key, options[key]]),
  );
  return Object.keys(picked).length > 0 ? picked : undefined;
}

/** A file's mtime, -1 when it is missing. */
function mtimeOf(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}
