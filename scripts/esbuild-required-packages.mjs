/**
 * An esbuild plugin: the named packages stay in their own folders (not bundled), and every
 * import of them, static or `import()`, becomes a require() of the package. Used by the CLI's
 * bundle (cli/build.mjs) and the language server's (extension/build.mjs), both loaded with V8's
 * code cache: on Node 20 a script compiled from a cache another process made has no dynamic
 * import(). (Imported as ES modules, these CommonJS packages also made Node scan their source for
 * export names first: ≈50 ms for esbuild's API, more for TypeScript's 9 MB.)
 */
export function requiredPackages(names) {
  // Package names such as `esbuild`: nothing in them a pattern would read otherwise.
  const filter = new RegExp(`^(${names.join('|')})$`);
  return {
    name: 'required-packages',
    setup(b) {
      b.onResolve({ filter }, ({ path, kind }) =>
        kind === 'require-call' ? { path, external: true } : { path, namespace: 'required-package' },
      );
      b.onLoad({ filter: /.*/, namespace: 'required-package' }, ({ path }) => ({
        contents: `module.exports = require(${JSON.stringify(path)});`,
        loader: 'js',
      }));
    },
  };
}
