/** The editor-agnostic engine: what the CLI, the language server and tests build on. */
export { AgentClient, AgentError } from './agent-client';
export { CompileError, compileModule, originalPosition } from './compile';
export { defaultDiscoveryDir, readDiscoveryDir } from './discovery';
export { NoAgentRunsFileError, hotLoadFile, moduleRunsFile, type LoadOutcome } from './hot-load';
