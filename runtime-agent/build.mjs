// Bundles the agent's own sources with esbuild: the library, the zero-code-change entry (which
// loads the library at run time, from V8's code cache, so there is one agent per process), the ESM hooks (loaded by
// module.register in their own thread on Node 20), the protocol and its WebSocket transport.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

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
  },
};
// In the app's thread, the parser and the other libraries only the agent uses are bundled in:
// that spares the app their module resolution and file reads at startup (≈4 MB of RSS). The
// libraries whose objects cross between our bundles and their clients stay shared: the
// protocol's message types carry vscode-jsonrpc objects that must be the very instances the
// transport compares against. (All stay dependencies, so their licenses ship with the agent.)
const sharedLibraries = ['vscode-jsonrpc', 'vscode-jsonrpc/*', 'ws', 'zod', 'zod/*'];

await Promise.all([
  build({
    ...common,
    entryPoints: {
      index: 'src/index.ts',
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
