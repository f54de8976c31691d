/**
 * The parser (acorn) and the scope analyser (eslint-scope), loaded the first time a module is
 * read, not when the agent starts (issue 13). Most starts read nothing: a restarted app's
 * unchanged modules come from the transform cache (transform-cache.ts), and a process with no
 * hot module never reads one. Loading them ahead cost every start a few milliseconds: acorn
 * builds its Unicode tables and keyword patterns when it loads.
 *
 * In the agent's bundles they are a file of their own (parser-libraries.ts), compiled with a
 * code cache of its own, so that the library's file and cache hold neither. Run from the
 * sources (the unit tests), they are required as any module.
 */
import { join } from 'node:path';
import type * as Acorn from 'acorn';
import type * as EslintScope from 'eslint-scope';
import { requireWithCodeCache } from '../../code-cache';
import { afterFirstCommit } from '../first-commit';
import type * as ParserLibraries from './parser-libraries';

/** The bundled parser libraries' file name, next to the bundle (build.mjs defines it); not defined in the sources. */
declare const PARSER_LIBRARIES_BUNDLE: string;

let libraries: typeof ParserLibraries | undefined;

function parserLibraries(): typeof ParserLibraries {
  if (libraries) return libraries;
  if (typeof PARSER_LIBRARIES_BUNDLE === 'string') {
    const bundle = requireWithCodeCache(join(__dirname, PARSER_LIBRARIES_BUNDLE));
    // They are loaded to read a module, which is done by the next turn: the cache made then
    // holds the parser compiled.
    bundle.saveWhenWarm(() => true);
    // And once more after the first save: reading a new version parses what a start did not.
    bundle.saveAfterFirstCommit(afterFirstCommit);
    libraries = bundle.exports as typeof ParserLibraries;
  } else {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the sources' way (above)
    libraries = require('./parser-libraries') as typeof ParserLibraries;
  }
  return libraries;
}

export function acorn(): typeof Acorn {
  return parserLibraries().acorn;
}

export function eslintScope(): typeof EslintScope {
  return parserLibraries().eslintScope;
}
