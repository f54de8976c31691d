/** The editor-agnostic engine: what the CLI, the language server and tests build on. */
export { AgentClient, AgentError, AgentRefusedError, AgentTimeoutError } from './agent-client';
export { AgentPool, retryDelay, type AgentEndpoint, type AgentPoolEvents, type AgentPoolOptions } from './agent-pool';
export { CompileError, asIsSyntaxError, compileModule, originalPosition } from './compile';
export { defaultDiscoveryDir, readDiscoveryDir } from './discovery';
export {
  LiveModel,
  type AgentFacts,
  type AgentSnapshot,
  type ConnectionState,
  type ModuleSnapshot,
} from './live-model';
export { NoAgentRunsFileError, hotLoadFile, type LoadOutcome } from './hot-load';
export { moduleRunsFile } from './targets';
