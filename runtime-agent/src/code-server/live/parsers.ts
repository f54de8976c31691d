/**
 * The parser (acorn) and the scope analyser (eslint-scope), loaded the first time a module is
 * read, not when the agent starts (issue 13). Most starts read nothing: a restarted app's
 * unchanged modules come from the transform cache (transform-cache.ts), and a process with no
 * hot module never reads one. Loading them ahead cost every start a few milliseconds: acorn
 * builds its Unicode tables and keyword patterns when it loads.
 *
 * `require` and not `import`: the bundler keeps a required library unevaluated until the call.
 */
import type * as Acorn from 'acorn';
import type * as EslintScope from 'eslint-scope';

let acornLibrary: typeof Acorn | undefined;
let eslintScopeLibrary: typeof EslintScope | undefined;

export function acorn(): typeof Acorn {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (above)
  return (acornLibrary ??= require('acorn') as typeof Acorn);
}

export function eslintScope(): typeof EslintScope {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (above)
  return (eslintScopeLibrary ??= require('eslint-scope') as typeof EslintScope);
}
