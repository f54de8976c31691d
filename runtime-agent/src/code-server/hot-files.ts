/**
 * Which files are hot: the app's own JavaScript and TypeScript files under its root, never
 * anything in node_modules. Shared by the main thread (CommonJS) and the ESM hooks thread,
 * so it must stay free of state.
 */
import { isAbsolute, relative, sep } from 'node:path';
import picomatch from 'picomatch';

export interface HotFileRules {
  /** Absolute folder; only files below it are hot. */
  root: string;
  /** Globs relative to root; a file must match one. Default: everything. */
  include: string[];
  /** Globs relative to root; a file matching one is not hot. node_modules is always excluded. */
  exclude: string[];
}

const HOT_EXTENSIONS = /\.(?:[cm]?js|[cm]?ts|jsx|tsx)$/;
/** The JSON files CommonJS requires are hot too, as modules of their own kind (json-modules.ts). */
export const HOT_JSON = /\.json$/;

/** Compiles the rules once into a predicate over absolute paths (of code files, or of those `extensions` names). */
export function hotFileMatcher(rules: HotFileRules, extensions = HOT_EXTENSIONS): (file: string) => boolean {
  // Called for every module the app loads, most of them at startup, before V8 has optimized
  // it: the common case (no globs, a path under the root as Node spells it) takes no glob
  // matcher and no path.relative (≈7 µs a module at startup, together).
  const included = rules.include.length > 0 ? picomatch(rules.include, { dot: true }) : () => true;
  const excluded = rules.exclude.length > 0 ? picomatch(rules.exclude, { dot: true }) : () => false;
  const under = rules.root.endsWith(sep) ? rules.root : rules.root + sep;
  return (file) => {
    if (!isAbsolute(file) || !extensions.test(file)) return false;
    // A package's file, wherever its node_modules is (a workspace's root holds them above the
    // app's): never hot, known before path.relative.
    if (file.includes(`${sep}node_modules${sep}`)) return false;
    const rel = file.startsWith(under) ? file.slice(under.length) : relative(rules.root, file);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return false;
    const posix = sep === '/' ? rel : rel.split(sep).join('/');
    return included(posix) && !excluded(posix);
  };
}
