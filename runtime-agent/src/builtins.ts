/**
 * Node's built-in modules the agent needs only once it has work (a hot module loaded, an
 * upgrade prepared, the agent listening), required at their first use. Imported, each loaded
 * with the agent's bundle and cost every start, `node -r hotpatch-agent/register -e 0`
 * included (issue 13): crypto alone ≈4 ms. `require` and not `import`: the bundler evaluates an
 * import with the bundle, a require at the call.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use (above) */

export function crypto(): typeof import('node:crypto') {
  return require('node:crypto') as typeof import('node:crypto');
}

export function v8(): typeof import('node:v8') {
  return require('node:v8') as typeof import('node:v8');
}

export function asyncHooks(): typeof import('node:async_hooks') {
  return require('node:async_hooks') as typeof import('node:async_hooks');
}
