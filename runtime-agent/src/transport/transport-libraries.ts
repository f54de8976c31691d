/**
 * The WebSocket, JSON-RPC and schema libraries (ws, vscode-jsonrpc, zod) that serve a client's
 * connection, bundled apart from the agent's library (build.mjs) and loaded with V8's code cache
 * at the first accepted upgrade (transport-libraries-loader.ts). Left to Node's loader, the first
 * connection resolved, read and compiled some 150 of their files while the app's event loop
 * waited: ≈150 ms, zod's every locale among them, and a first `hotpatch ls` took twice as long
 * as the next (issue 13). Libraries only, with no state of the agent's.
 *
 * The modules as `require` gives them, by the name the agent's sources import them by: the
 * library's bundle takes each import of these names from here.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- each library's module object as Node's loader would give it */
export const libraries: Record<string, unknown> = {
  ws: require('ws'),
  'vscode-jsonrpc': require('vscode-jsonrpc'),
  'vscode-jsonrpc/node': require('vscode-jsonrpc/node'),
  'zod/mini': require('zod/mini'),
  // Its CommonJS build, as zod/mini's is: the ES one brought a second copy of zod's helpers.
  'zod/v4/locales/en.js': require('zod/v4/locales/en.cjs'),
};
