/** The agent, the app it runs in, and the versions of the app's hot modules. */
import * as z from 'zod/mini';

/** Where a module version came from. */
export const Origin = z.enum(['startup', 'editor', 'cli', 'protocol', 'rollback']);
export type Origin = z.infer<typeof Origin>;

/** One loaded version of a hot module (Erlang: the current or the old code of a module). */
export interface VersionInfo {
  /** `export const vsn` of this version when present, else the first 12 hex digits of its code's SHA-256. */
  vsn: string;
  /** 1 for the version loaded at startup, +1 for each later load of this module. */
  seq: number;
  /** ISO 8601 time the version was made current. */
  loadedAt: string;
  origin: Origin;
  /** SHA-256 (hex, 12 digits) of the code that was evaluated. */
  hash: string;
}

/** A hot module: an app source file loaded through the agent. */
export interface ModuleInfo {
  /** Absolute path of the file Node loaded (for TS compiled to CJS: the .js file). */
  file: string;
  /** The module system the app loaded it with; every later version is sent as CommonJS code. */
  format: 'cjs' | 'esm';
  /**
   * Node runs the file's TypeScript itself (`node src/app.ts`), stripping its types in this mode
   * (`--experimental-transform-types`: transforming): its next versions are sent as the
   * TypeScript they are, and the agent strips them as Node did. Absent for JavaScript, and for
   * TypeScript a compiler or a runner (tsc, tsx, ts-node) made JavaScript of.
   */
  typescript?: 'strip' | 'transform';
  /** Absolute paths of the original sources, from the file's source map (empty when it has none). */
  sources: string[];
  /** Names the module exports (for ESM: the facade's fixed set of live bindings). */
  exports: string[];
  current: VersionInfo;
  /** The previous version, kept until the next load or a purge (Erlang's old code). */
  old: VersionInfo | null;
}

/** Facts about the app the agent runs in, returned by the handshake and kept in the discovery file. */
export interface AgentInfo {
  protocolVersion: number;
  agentVersion: string;
  pid: number;
  appName: string;
  /** Files under this folder (less node_modules and the exclude patterns) are hot. */
  root: string;
  nodeVersion: string;
  startedAt: string;
}

/** The contents of `<discovery dir>/<pid>.json` (mode 0600). */
export interface DiscoveryRecord extends AgentInfo {
  /** `ws://127.0.0.1:<port>` */
  url: string;
  /** 256-bit random token, hex; send as `Authorization: Bearer <token>`. */
  token: string;
}
