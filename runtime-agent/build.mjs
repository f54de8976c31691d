// Bundles the agent's own sources with esbuild: the library, the zero-code-change entry (which
// loads the library at run time, from V8's code cache, so there is one agent per process), the ESM hooks (loaded by
// module.register in their own thread on Node 20), the libraries the library loads when first
// needed (the parser's, the transport's), the protocol and its WebSocket transport.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // Without comments and indentation the bundles are a third smaller and pure ASCII (a comment's
  // "≈" made Node decode the whole file the slow way): the app reads and compiles them at every
  // start (issue 13). Names stay, and the source maps give the lines back.
  minifyWhitespace: true,
  logLevel: 'warning',
  define: {
    AGENT_VERSION: JSON.stringify(version),
    // The parser libraries' bundle, loaded when first needed (src/code-server/live/parsers.ts).
    PARSER_LIBRARIES_BUNDLE: JSON.stringify('parser-libraries.js'),
    // The transport libraries' bundle, loaded at a client's first connection (src/transport/transport-libraries-loader.ts).
    TRANSPORT_LIBRARIES_BUNDLE: JSON.stringify('transport-libraries.js'),
  },
};
// In the app's thread, the parser and the other libraries only the agent uses are bundled in:
// that spares the app their module resolution and file reads at startup (≈4 MB of RSS). The
// transport's libraries (ws, vscode-jsonrpc, zod) are a bundle of their own that the library
// takes them from (below). The protocol's and transport's own entries, for clients, keep them
// shared: the protocol's message types carry vscode-jsonrpc objects that must be the very
// instances the client's transport compares against. (All stay dependencies, so their licenses
// ship with the agent.)
const sharedLibraries = ['vscode-jsonrpc', 'vscode-jsonrpc/*', 'ws', 'zod', 'zod/*'];
// ws's optional native speed-ups, which it requires only if installed.
const wsOptional = ['bufferutil', 'utf-8-validate'];

/**
 * In the library, ws, vscode-jsonrpc and zod come from their own bundle, loaded with a code
 * cache at the first connection (src/transport/transport-libraries.ts says why): each import
 * of one of them becomes a module that takes it from there. An import of another part of them
 * is an error here, not a second copy in the library.
 */
const transportLibrariesLoader = fileURLToPath(
  new URL('./src/transport/transport-libraries-loader.ts', import.meta.url),
);
const transportLibraryNames = new Set([
  'ws',
  'vscode-jsonrpc',
  'vscode-jsonrpc/node',
  'zod/mini',
  'zod/v4/locales/en.js',
]);
const transportLibraries = {
  name: 'transport-libraries',
  setup(b) {
    b.onResolve({ filter: /^(ws|vscode-jsonrpc|zod)(\/|$)/ }, ({ path, importer }) =>
      transportLibraryNames.has(path)
        ? { path, namespace: 'transport-library' }
        : { errors: [{ text: `${importer} imports '${path}': add it to src/transport/transport-libraries.ts` }] },
    );
    b.onLoad({ filter: /.*/, namespace: 'transport-library' }, ({ path }) => ({
      contents: `module.exports = require(${JSON.stringify(transportLibrariesLoader)}).transportLibrary(${JSON.stringify(path)});`,
      loader: 'js',
      resolveDir: dirname(transportLibrariesLoader),
    }));
  },
};

/**
 * zod's CommonJS build has every one of its ≈60 locales load with it (`z.locales`): half the
 * transport's bundle, to read and compile at a client's first connection. The agent speaks
 * English only, which protocol.ts imports by itself: in this bundle `z.locales` is empty.
 */
const zodWithoutLocales = {
  name: 'zod-without-locales',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.cjs$/ }, ({ path, importer }) =>
      importer.includes(`${sep}node_modules${sep}zod${sep}`) ? { path, namespace: 'zod-without-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-without-locales' }, () => ({
      contents: 'module.exports = {};',
      loader: 'js',
    }));
  },
};

await Promise.all([
  build({
    ...common,
    entryPoints: { index: 'src/index.ts' },
    plugins: [transportLibraries],
    format: 'cjs',
    outdir: 'dist',
  }),
  build({
    ...common,
    entryPoints: { 'transport-libraries': 'src/transport/transport-libraries.ts' },
    plugins: [zodWithoutLocales],
    external: wsOptional,
    format: 'cjs',
    outdir: 'dist',
  }),
  build({
    ...common,
    entryPoints: {
      protocol: 'src/protocol.ts',
      'websocket-rpc': 'src/transport/websocket-rpc.ts',
      // For the language server, which loads its own bundle with the same cache (extension/src/server/launch.ts).
      'code-cache': 'src/code-cache.ts',
    },
    external: sharedLibraries,
    format: 'cjs',
    outdir: 'dist',
  }),
  build({
    ...common,
    // acorn and eslint-scope, out of the library and its code cache: a start whose modules come
    // from the transform cache reads and deserializes a third less (issue 13).
    entryPoints: { 'parser-libraries': 'src/code-server/live/parser-libraries.ts' },
    format: 'cjs',
    outdir: 'dist',
  }),
  build({
    ...common,
    entryPoints: { register: 'src/register.ts' },
    external: sharedLibraries,
    format: 'cjs',
    outdir: 'dist',
  }),
  build({
    ...common,
    entryPoints: { 'esm-hooks-library': 'src/code-server/esm-hooks-library.ts' },
    // The parser and the other libraries are bundled in, as in the app's thread: resolved and
    // read one file at a time by the hooks thread's own loader, they took half of the ≈60 ms
    // it adds to an ES module app's start (issue 13). CommonJS, so that it loads with V8's code
    // cache (code-cache.ts) through the small ES module entry below.
    format: 'cjs',
    outdir: 'dist',
  }),
  build({
    ...common,
    entryPoints: { 'esm-hooks': 'src/code-server/esm-hooks.ts' },
    format: 'esm',
    // The code cache's `require` and `__dirname`: an ES module has neither, the bundle makes them.
    banner: {
      js:
        'import{createRequire as __hotpatchCreateRequire}from"node:module";import{dirname as __hotpatchDirname}from"node:path";import{fileURLToPath as __hotpatchFileURLToPath}from"node:url";' +
        'const require=__hotpatchCreateRequire(import.meta.url);const __dirname=__hotpatchDirname(__hotpatchFileURLToPath(import.meta.url));',
    },
    outdir: 'dist',
    outExtension: { '.js': '.mjs' },
  }),
]);
