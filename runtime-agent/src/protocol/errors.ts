/** The agent's error codes, and the `data` of the errors that carry some. */
/** Error codes the agent returns besides JSON-RPC's own (-32700 parse, -32600 invalid request, -32601, -32602). */
export const AgentErrorCode = {
  /** A request other than `agent/initialize` arrived before the handshake. */
  NotInitialized: -32002,
  /** The client speaks another protocol version. */
  ProtocolMismatch: -32003,
  /** The file is not a hot module of this app (not loaded, outside the root, or in node_modules). */
  UnknownModule: -32010,
  /** The new version failed to compile or its top level threw; the current version still serves. */
  LoadFailed: -32011,
  /** There is no old version to purge, read or roll back to. */
  NoOldVersion: -32012,
  /** Soft purge refused: processes still run the old version (`data.processes` names them). */
  SoftPurgeRefused: -32013,
  /** The plan id is unknown, already committed or aborted, or expired. */
  UnknownPlan: -32014,
  /** The upgrade aborted: nothing changed (`data` is an UpgradeErrorData). */
  UpgradeFailed: -32015,
  /** No process with that id or name. */
  UnknownProcess: -32016,
  /** The process's module is being upgraded (suspended, migrating): sent again after the upgrade, it applies. */
  UpgradeInProgress: -32017,
  /** agent/suspend: the running handler did not finish within `timeoutMs`; the process was left running. */
  SuspendTimeout: -32018,
  /** agent/load with `purge: 'not_purged'`: the module still has an old version (OTP's code:load_file `not_purged`). */
  NotPurged: -32019,
  /**
   * agent/prepare named a reading (`modules[].readAhead`) no longer kept: taken by an earlier
   * prepare, replaced by a later agent/readAhead of the file, or let go. Nothing was staged:
   * send the code itself.
   */
  ReadAheadGone: -32020,
} as const;

/** `error.data` of a LoadFailed error: what failed and where, in the code that was sent. */
export interface LoadErrorData {
  /** `timeout`: the top level ran past its time budget and was cut off (no line: it was stopped, not thrown). */
  kind: 'syntax' | 'evaluation' | 'timeout';
  file: string;
  /** 1-based line and column in the code that was sent, when V8 reported them. */
  line?: number;
  column?: number;
  message: string;
  stack?: string;
}

export interface UpgradeError {
  file: string;
  /** The process whose migration failed, when one did. */
  process?: string;
  message: string;
  line?: number;
  column?: number;
  /**
   * The state the process would have (what its codeChange returned, or its state as it is where
   * the spec has none) does not fit the new state type, the shape the client sent: a codeChange
   * written for an earlier change of the type, maybe.
   */
  wrongShape?: boolean;
}

/** `error.data` of UpgradeFailed. */
export interface UpgradeErrorData {
  stage: 'prepare' | 'suspend' | 'migrate';
  errors: UpgradeError[];
}
