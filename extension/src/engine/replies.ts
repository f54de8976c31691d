/**
 * What an agent sends back, checked before use. An agent is another process, found through a
 * folder (see discovery.ts): a reply of the wrong shape must give a clear error naming the agent
 * and the field, not `p.id.padEnd is not a function` somewhere in a front end. Each schema is
 * typed against its interface in the protocol, so the two cannot drift apart unnoticed; fields
 * a newer agent adds are ignored (objects are not strict), wrong types are refused.
 */
import type * as protocol from 'hotpatch-agent/protocol';
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// zod's small build, as the agent's protocol uses (hotpatch-agent/protocol), with the full
// build's English messages, which an InvalidReplyError carries.
z.config(en());

const text = z.string();
const count = z.int().check(z.gte(0));

const VersionInfo = z.object({
  vsn: text,
  seq: count,
  loadedAt: text,
  origin: z.enum(['startup', 'editor', 'cli', 'protocol', 'rollback']),
  hash: text,
}) satisfies z.ZodMiniType<protocol.VersionInfo>;

const ModuleInfo = z.object({
  file: text,
  format: z.enum(['cjs', 'esm']),
  typescript: z.optional(z.enum(['strip', 'transform'])),
  sources: z.array(text),
  exports: z.array(text),
  current: VersionInfo,
  old: z.nullable(VersionInfo),
}) satisfies z.ZodMiniType<protocol.ModuleInfo>;

const ProcessInfo = z.object({
  id: text,
  name: z.optional(text),
  file: z.optional(text),
  server: text,
  vsn: z.optional(text),
  seq: z.optional(count),
  status: z.enum(['running', 'suspended', 'dead']),
  suspendedBy: z.optional(z.array(z.enum(['sys', 'upgrade']))),
  mailbox: count,
  busyMs: z.optional(z.number()),
  runsOldCode: z.boolean(),
}) satisfies z.ZodMiniType<protocol.ProcessInfo>;

const SupervisorInfo = z.object({
  id: text,
  name: z.optional(text),
  file: z.optional(text),
  strategy: z.enum(['one_for_one', 'one_for_all', 'rest_for_one', 'simple_one_for_one']),
  intensity: z.number().check(z.gte(0)),
  period: z.number().check(z.gte(0)),
  children: z.array(
    z.object({
      id: z.optional(text),
      restart: z.enum(['permanent', 'transient', 'temporary']),
      type: z.enum(['worker', 'supervisor']),
      status: z.enum(['running', 'suspended', 'restarting', 'dead']),
      process: z.optional(text),
      supervisor: z.optional(text),
    }) satisfies z.ZodMiniType<protocol.SupervisorChildInfo>,
  ),
}) satisfies z.ZodMiniType<protocol.SupervisorInfo>;

export const AgentInfo = z.object({
  protocolVersion: z.number(),
  agentVersion: text,
  pid: z.int().check(z.positive()),
  appName: text,
  root: text,
  nodeVersion: text,
  startedAt: text,
}) satisfies z.ZodMiniType<protocol.AgentInfo>;

const UpgradeError = z.object({
  file: text,
  process: z.optional(text),
  message: text,
  line: z.optional(z.number()),
  column: z.optional(z.number()),
  wrongShape: z.optional(z.boolean()),
}) satisfies z.ZodMiniType<protocol.UpgradeError>;

export const UpgradeErrorData = z.object({
  stage: z.enum(['prepare', 'suspend', 'migrate']),
  errors: z.array(UpgradeError),
}) satisfies z.ZodMiniType<protocol.UpgradeErrorData>;

const LoadReport = z.object({
  file: text,
  mode: z.enum(['patched', 'reloaded']),
  kept: count,
  ran: z.array(text),
  rebound: z.array(text),
  added: z.array(text),
  functions: z.array(text),
  undone: z.array(text),
  notApplied: z.array(text),
  dropped: z.optional(z.array(text)),
}) satisfies z.ZodMiniType<protocol.LoadReport>;

const UpgradePlan = z.object({
  id: text,
  ok: z.boolean(),
  modules: z.array(
    z.object({
      file: text,
      fromVsn: text,
      toVsn: text,
      processes: count,
      migration: z.boolean(),
      holders: z.optional(z.array(z.object({ key: text, instances: count, migration: z.boolean() }))),
    }),
  ),
  errors: z.array(UpgradeError),
  previews: z.array(
    z.object({
      process: text,
      file: text,
      before: z.unknown(),
      after: z.unknown(),
      truncated: z.optional(z.boolean()),
    }),
  ),
  expiresAt: text,
  timings: z.object({
    prepareMs: z.number(),
    readAhead: z.optional(count),
    patchedAhead: z.optional(count),
  }),
}) satisfies z.ZodMiniType<protocol.UpgradePlan>;

const CommitResult = z.object({
  modules: z.array(ModuleInfo),
  reports: z.array(LoadReport),
  processes: count,
  timings: z.object({ suspendMs: z.number(), migrateMs: z.number(), totalMs: z.number(), longestBlockMs: z.number() }),
  warnings: z.array(text),
  moduleWarnings: z.optional(z.array(z.array(text))),
}) satisfies z.ZodMiniType<protocol.CommitResult>;

const LoadResult = z.object({
  module: ModuleInfo,
  report: LoadReport,
  warnings: z.array(text),
  timings: z.object({ evaluateMs: z.number(), totalMs: z.number() }),
}) satisfies z.ZodMiniType<protocol.LoadResult>;

/** The schema of each request's result, by method. */
export const resultSchemas = {
  'agent/initialize': AgentInfo,
  'agent/modules': z.object({ modules: z.array(ModuleInfo) }),
  'agent/restart': z.object({ pid: z.int().check(z.positive()) }),
  'agent/load': LoadResult,
  'agent/purge': z.object({ purged: z.boolean(), module: ModuleInfo, killed: z.array(ProcessInfo) }),
  'agent/softPurge': z.object({ purged: z.boolean(), module: ModuleInfo, killed: z.array(ProcessInfo) }),
  'agent/source': z.object({ version: VersionInfo, source: text, code: text }),
  'agent/prepare': UpgradePlan,
  'agent/commit': CommitResult,
  'agent/abort': z.object({ aborted: z.boolean() }),
  'agent/warm': z.object({
    warmed: z.boolean(),
    ms: z.number(),
    rounds: z.optional(count),
    sliceRounds: z.optional(count),
  }),
  'agent/readAhead': z.object({
    read: z.boolean(),
    ms: z.number(),
    reading: z.optional(z.int().check(z.gte(1))),
  }) satisfies z.ZodMiniType<protocol.ReadAheadResult>,
  'agent/rollback': CommitResult,
  'agent/processes': z.object({ processes: z.array(ProcessInfo) }),
  'agent/getState': z.object({ process: ProcessInfo, state: z.unknown() }),
  'agent/replaceState': z.object({ process: ProcessInfo }),
  'agent/suspend': z.object({ process: ProcessInfo }),
  'agent/resume': z.object({ process: ProcessInfo }),
  'agent/status': z.object({
    process: ProcessInfo,
    state: z.unknown(),
    suspendedBy: z.array(z.enum(['sys', 'upgrade'])),
    initialized: z.boolean(),
    handling: z.optional(z.enum(['init', 'call', 'cast', 'info', 'continue'])),
  }) satisfies z.ZodMiniType<protocol.ProcessStatusResult>,
  'agent/supervisors': z.object({ supervisors: z.array(SupervisorInfo) }),
} satisfies Record<string, z.ZodMiniType>;

/** The schema of each notification's params, by method. */
export const notificationSchemas = {
  'agent/moduleLoaded': z.object({ module: ModuleInfo }),
  'agent/modulePurged': z.object({ module: ModuleInfo }),
  'agent/processStarted': z.object({ process: ProcessInfo }),
  'agent/processExited': z.object({ process: ProcessInfo, reason: text }),
  'agent/processChanged': z.object({ process: ProcessInfo }),
  'agent/processesChanged': z.object({ files: z.array(text) }),
  'agent/supervisorStarted': z.object({ supervisor: SupervisorInfo }),
  'agent/supervisorChanged': z.object({ supervisor: SupervisorInfo }),
  'agent/supervisorExited': z.object({ supervisor: SupervisorInfo, reason: text }),
} satisfies Record<string, z.ZodMiniType>;

/** An agent's reply did not have the protocol's shape. */
export class InvalidReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidReplyError';
  }
}

/** `value` as `schema` says, or InvalidReplyError naming `what` and the first fields that are wrong. */
export function checked<T>(schema: z.ZodMiniType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(the whole reply)'}: ${issue.message}`);
  throw new InvalidReplyError(`${what} is not what the protocol says: ${problems.join('; ')}`);
}

/**
 * The replies of a save (agent/prepare, then agent/commit) checked once on samples made from
 * `module`, a module an agent reported: a schema's first check compiles its code (≈1 ms each
 * here), which the first save otherwise waited for. Throws if a sample does not pass, which
 * only a change of the schemas without this can make happen.
 */
export function warmSaveReplyChecks(module: protocol.ModuleInfo): void {
  const plan: protocol.UpgradePlan = {
    id: 'warm-up',
    ok: true,
    modules: [
      { file: module.file, fromVsn: module.current.vsn, toVsn: module.current.vsn, processes: 0, migration: false },
    ],
    errors: [],
    previews: [],
    expiresAt: module.current.loadedAt,
    timings: { prepareMs: 0 },
  };
  const report: protocol.LoadReport = {
    file: module.file,
    mode: 'patched',
    kept: 0,
    ran: [],
    rebound: [],
    added: [],
    functions: [],
    undone: [],
    notApplied: [],
  };
  const commit: protocol.CommitResult = {
    modules: [module],
    reports: [report],
    processes: 0,
    timings: { suspendMs: 0, migrateMs: 0, totalMs: 0, longestBlockMs: 0 },
    warnings: [],
  };
  checked(resultSchemas['agent/prepare'], plan, "a sample of agent/prepare's reply");
  checked(resultSchemas['agent/commit'], commit, "a sample of agent/commit's reply");
}
