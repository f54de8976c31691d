/**
 * The agent's wire protocol: JSON-RPC 2.0 over a loopback WebSocket.
 *
 * One typed definition per message, imported by the agent and by every client (the engine,
 * the CLI, tests). Parameters are described by zod schemas so the agent validates what it
 * receives with the same definition the clients compile against. Prose: ../PROTOCOL.md,
 * which carries a hash of this file and ./protocol/ (`npm run check` fails when they drift).
 *
 * Authentication happens before JSON-RPC: the WebSocket upgrade must carry
 * `Authorization: Bearer <token>` (the token is in the agent's discovery file).
 *
 * The messages are in ./protocol/, by what they are about; this file is their one entry.
 */
import {
  FileParams,
  InitializeParams,
  LoadParams,
  ModulesParams,
  SourceParams,
  initialize,
  load,
  modules,
  purge,
  softPurge,
  source,
} from './protocol/module-requests';
import {
  CommitParams,
  PlanParams,
  PrepareParams,
  ReadAheadParams,
  RollbackParams,
  abort,
  commit,
  prepare,
  readAhead,
  rollback,
  warm,
} from './protocol/upgrade-requests';
import {
  ProcessParams,
  ProcessesParams,
  ReplaceStateParams,
  SupervisorsParams,
  SuspendParams,
  getState,
  processes,
  replaceState,
  resume,
  status,
  supervisors,
  suspend,
} from './protocol/process-requests';

export { PROTOCOL_VERSION } from './protocol-version';
export * from './protocol/agent-info';
export * from './protocol/errors';
export * from './protocol/process-info';
export * from './protocol/upgrade-info';
export * from './protocol/module-requests';
export * from './protocol/upgrade-requests';
export * from './protocol/process-requests';
export * from './protocol/notifications';

/** Every request's parameter schema, by method name: the agent validates with these. */
export const paramSchemas = {
  [initialize.method]: InitializeParams,
  [modules.method]: ModulesParams,
  [load.method]: LoadParams,
  [purge.method]: FileParams,
  [softPurge.method]: FileParams,
  [source.method]: SourceParams,
  [prepare.method]: PrepareParams,
  [commit.method]: CommitParams,
  [abort.method]: PlanParams,
  [warm.method]: FileParams,
  [readAhead.method]: ReadAheadParams,
  [rollback.method]: RollbackParams,
  [processes.method]: ProcessesParams,
  [getState.method]: ProcessParams,
  [replaceState.method]: ReplaceStateParams,
  [suspend.method]: SuspendParams,
  [resume.method]: ProcessParams,
  [status.method]: ProcessParams,
  [supervisors.method]: SupervisorsParams,
} as const;
export * from './protocol/json-modules';
