/**
 * Node's built-in modules the agent needs only once it has work (a hot module loaded, an
 * upgrade prepared, the agent listening), required at their first use. Imported, each loaded
 * with the agent's bundle and cost every start, `node -r hotpatch-agent/register -e 0`
 * included (issue 13): crypto alone ≈4 ms. `require` and not `import`: the bundler evaluates an
 * import with the bundle, a require at the call.
 *
 * Each is kept once loaded: `require` of a built-in walks Node's module loader every call
 * (≈5 µs), and crypto is asked for twice per hot module as an app starts (10 ms of an ES module
 * app of 2,000 modules, issue 13).
 */
/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use (above) */

let cryptoModule: typeof import('node:crypto') | undefined;
let v8Module: typeof import('node:v8') | undefined;
let asyncHooksModule: typeof import('node:async_hooks') | undefined;

export function crypto(): typeof import('node:crypto') {
  return (cryptoModule ??= require('node:crypto') as typeof import('node:crypto'));
}

export function v8(): typeof import('node:v8') {
  return (v8Module ??= require('node:v8') as typeof import('node:v8'));
}

export function asyncHooks(): typeof import('node:async_hooks') {
  return (asyncHooksModule ??= require('node:async_hooks') as typeof import('node:async_hooks'));
}
