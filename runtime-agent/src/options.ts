/** The agent's options, their defaults, and how the zero-code-change entry reads them from the environment. */
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { DEFAULT_CODE_CHANGE_BUDGET_MS, DEFAULT_TOP_LEVEL_BUDGET_MS } from './code-server/budget';
import { defaultDiscoveryDir } from './discovery';

export interface AgentOptions {
  /** Folder whose files are hot. Default: the current working directory. */
  root?: string;
  /** Globs relative to root a hot file must match. Default: all JS/TS files. */
  include?: string[];
  /** Globs relative to root that are never hot (node_modules never is). Default: none. */
  exclude?: string[];
  /** Shown in editors. Default: `name` from root's package.json, else the folder's name. */
  appName?: string;
  /** Loopback address to listen on: 127.0.0.1 (default), ::1 or localhost. */
  host?: string;
  /** Port; 0 (default) picks a free one. */
  port?: number;
  /** Where `<pid>.json` goes. Default: $HOTPATCH_DISCOVERY_DIR or ~/.hotpatch/agents. */
  discoveryDir?: string;
  /** Start even when NODE_ENV=production. Default false: a code-execution port has no place there. */
  allowProduction?: boolean;
  /** Largest JSON-RPC message in bytes. Default 8 MiB. */
  maxPayload?: number;
  /** Client connections at once. Default 16. */
  maxConnections?: number;
  /** Sockets connected but not yet authenticated; a new one past it closes the oldest. Default 8. */
  maxPendingConnections?: number;
  /** How long a socket may take from connecting to an authenticated WebSocket, in ms. Default 5,000. */
  handshakeTimeoutMs?: number;
  /**
   * How long a loaded version's top level may run before it is cut off and the load refused, in
   * ms; 0: no limit. Default 5,000. (The app's own startup is never limited.) See budget.ts.
   */
  topLevelBudgetMs?: number;
  /** How long each codeChange may run, in the dry run and at commit, in ms; 0: no limit. Default 1,000. */
  codeChangeBudgetMs?: number;
}

export type ResolvedOptions = Required<AgentOptions>;

const LOOPBACK_LISTEN = new Set(['127.0.0.1', '::1', 'localhost']);

export function resolveOptions(options: AgentOptions): ResolvedOptions {
  const root = resolve(options.root ?? process.cwd());
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK_LISTEN.has(host)) {
    throw new Error(`hotpatch agent: host '${host}' is not loopback; it listens only on 127.0.0.1, ::1 or localhost`);
  }
  return {
    root,
    include: options.include ?? [],
    exclude: options.exclude ?? [],
    appName: options.appName ?? packageName(root) ?? basename(root),
    host,
    port: options.port ?? 0,
    discoveryDir: options.discoveryDir ?? defaultDiscoveryDir(),
    allowProduction: options.allowProduction ?? false,
    maxPayload: options.maxPayload ?? 8 * 1024 * 1024,
    maxConnections: options.maxConnections ?? 16,
    maxPendingConnections: options.maxPendingConnections ?? 8,
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? 5000,
    topLevelBudgetMs: options.topLevelBudgetMs ?? DEFAULT_TOP_LEVEL_BUDGET_MS,
    codeChangeBudgetMs: options.codeChangeBudgetMs ?? DEFAULT_CODE_CHANGE_BUDGET_MS,
  };
}

function packageName(root: string): string | undefined {
  try {
    const name = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name?: unknown }).name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

const list = (value: string | undefined): string[] | undefined =>
  value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
/** A whole number ≥ `min`, or an error naming the variable: NaN or 0 would silently lift a limit. */
function int(name: string, value: string, min: number): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < min) {
    throw new Error(`${name}='${value}' is not a whole number ≥ ${min}`);
  }
  return Number(value);
}

/** Options for `-r hotpatch-agent/register` / `--import hotpatch-agent/register`, from HOTPATCH_* variables. */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): AgentOptions {
  const options: AgentOptions = {};
  if (env.HOTPATCH_ROOT) options.root = env.HOTPATCH_ROOT;
  if (env.HOTPATCH_INCLUDE) options.include = list(env.HOTPATCH_INCLUDE)!;
  if (env.HOTPATCH_EXCLUDE) options.exclude = list(env.HOTPATCH_EXCLUDE)!;
  if (env.HOTPATCH_APP_NAME) options.appName = env.HOTPATCH_APP_NAME;
  if (env.HOTPATCH_HOST) options.host = env.HOTPATCH_HOST;
  if (env.HOTPATCH_PORT) options.port = int('HOTPATCH_PORT', env.HOTPATCH_PORT, 0);
  if (env.HOTPATCH_ALLOW_PRODUCTION === '1') options.allowProduction = true;
  if (env.HOTPATCH_MAX_PAYLOAD) options.maxPayload = int('HOTPATCH_MAX_PAYLOAD', env.HOTPATCH_MAX_PAYLOAD, 1024);
  if (env.HOTPATCH_MAX_PENDING_CONNECTIONS) {
    options.maxPendingConnections = int('HOTPATCH_MAX_PENDING_CONNECTIONS', env.HOTPATCH_MAX_PENDING_CONNECTIONS, 1);
  }
  if (env.HOTPATCH_HANDSHAKE_TIMEOUT_MS) {
    options.handshakeTimeoutMs = int('HOTPATCH_HANDSHAKE_TIMEOUT_MS', env.HOTPATCH_HANDSHAKE_TIMEOUT_MS, 1);
  }
  if (env.HOTPATCH_TOP_LEVEL_BUDGET_MS) {
    options.topLevelBudgetMs = int('HOTPATCH_TOP_LEVEL_BUDGET_MS', env.HOTPATCH_TOP_LEVEL_BUDGET_MS, 0);
  }
  if (env.HOTPATCH_CODE_CHANGE_BUDGET_MS) {
    options.codeChangeBudgetMs = int('HOTPATCH_CODE_CHANGE_BUDGET_MS', env.HOTPATCH_CODE_CHANGE_BUDGET_MS, 0);
  }
  return options;
}
