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

/** Compiles the rules once into a predicate over absolute paths. */
export function hotFileMatcher(rules: HotFileRules): (file: string) => boolean {
  const included = picomatch(rules.include.length > 0 ? rules.include : ['**'], { dot: true });
  const excluded = picomatch(rules.exclude.length > 0 ? rules.exclude : ['\0never'], { dot: true });
  return (file) => {
    if (!isAbsolute(file) || !HOT_EXTENSIONS.test(file)) return false;
    const rel = relative(rules.root, file);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return false;
    if (rel.split(sep).includes('node_modules')) return false;
    const posix = rel.split(sep).join('/');
    return included(posix) && !excluded(posix);
  };
}
