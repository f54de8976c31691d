/**
 * hotpatch-agent: embed in a Node.js app to make its own modules hot-loadable from an editor
 * or the `hotpatch` CLI. Without code changes: `node -r hotpatch-agent/register app.js`
 * (CommonJS) or `node --import hotpatch-agent/register app.mjs` (ESM).
 */
export { Agent, runningAgent, start } from './agent';
export type { AgentOptions } from './options';
