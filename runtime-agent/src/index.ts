/**
 * hotpatch-agent: embed in a Node.js app to make its own modules hot-loadable from an editor
 * or the `hotpatch` CLI. Without code changes: `node -r hotpatch-agent/register app.js`
 * (CommonJS) or `node --import hotpatch-agent/register app.mjs` (ESM).
 *
 * Servers (gen_server) and supervisors keep state across code changes; they work with or
 * without the agent running.
 */
export { Agent, runningAgent, start, type StartTiming } from './agent';
/** @internal For the preload's caches (register.ts). */
export { programsRead } from './code-server/live/program';
/** @internal */
export { appStarted, useTransformCache } from './code-server/transform-cache';
/** @internal */
export { cacheAppCompiles } from './code-server/app-compile-cache';
export type { AgentOptions } from './options';
export {
  defineServer,
  type CallResult,
  type CodeChangeFrom,
  type ExitReason,
  type From,
  type Next,
  type ServerDefinition,
  type ServerSpec,
} from './processes/define-server';
export { call, cast, send, spawn, stop, whereis, type ProcessRef } from './processes/process-table';
export { continueWith, reply, type Continue } from './processes/callback-results';
export { ProcessError, type ServerProcess } from './processes/server-process';
export { Supervisor, SupervisorError } from './processes/supervisor';
export type {
  Child,
  ChildInfo,
  ChildSpec,
  RestartStrategy,
  RestartType,
  SupervisorChange,
  SupervisorOptions,
} from './processes/supervision/child-specs';
export type { ChildCounts } from './processes/supervision/which-children';
export type { Shutdown } from './processes/supervision/shutdown';
export { supervise, whereisSupervisor } from './processes/supervision/trees';
