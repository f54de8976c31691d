/**
 * F5 gets the agent: Node launch configurations started from VS Code (the Run view, a
 * launch.json entry, the JavaScript Debug Terminal's `node-terminal` sessions) start the app
 * with `hotpatch-agent/register` preloaded, as Dart-Code and C# Dev Kit hot-reload inside the
 * debug session the user already starts.
 *
 * The agent goes in through NODE_OPTIONS, not runtimeArgs: a configuration that runs
 * `npm start`, tsx or nodemon starts the app in a child process, which only the environment
 * reaches. HOTPATCH_APP_PROCESSES_ONLY makes the agent skip those launchers (entry scripts
 * inside node_modules), as js-debug's auto-attach does. The agent is the project's own
 * `hotpatch-agent` (the version its code was written against); a project without it is told so
 * once per session, and launches as it would without Hotpatch.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { SECTION, discoveryDirSetting } from '../settings';

/** The debug types whose launches run Node: js-debug's, and the `node` alias it resolves. */
export const NODE_DEBUG_TYPES = ['node', 'pwa-node', 'node-terminal'];

export interface AgentLaunchOptions {
  readonly output: vscode.LogOutputChannel;
}

export function registerAgentLaunch(options: AgentLaunchOptions): vscode.Disposable[] {
  const provider = new AgentLaunchProvider(options);
  return NODE_DEBUG_TYPES.map((type) => vscode.debug.registerDebugConfigurationProvider(type, provider));
}

class AgentLaunchProvider implements vscode.DebugConfigurationProvider {
  /** Projects already told they lack the agent (once each per window). */
  readonly #told = new Set<string>();

  constructor(readonly options: AgentLaunchOptions) {}

  resolveDebugConfigurationWithSubstitutedVariables(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.DebugConfiguration {
    if (config.request !== 'launch' || !vscode.workspace.isTrusted) return config;
    // js-debug's session for each process it attached to: its environment was set by the launch.
    if (config.__pendingTargetId !== undefined) return config;
    if (!vscode.workspace.getConfiguration(SECTION, folder).get<boolean>('debug.addAgent', true)) return config;
    const cwd = typeof config.cwd === 'string' ? config.cwd : folder?.uri.fsPath;
    if (!cwd) return config;
    const env: Record<string, string | null> = { ...(config.env as Record<string, string | null> | undefined) };
    const nodeOptions = env.NODE_OPTIONS ?? '';
    // The `node` alias resolves to `pwa-node`, and a second provider may see the same launch; a
    // configuration written by "Set up this workspace" preloads the agent in runtimeArgs.
    const runtimeArgs: unknown[] = Array.isArray(config.runtimeArgs) ? config.runtimeArgs : [];
    if (nodeOptions.includes('hotpatch-agent') || runtimeArgs.some((a) => String(a).includes('hotpatch-agent')))
      return config;
    const register = agentIn(cwd);
    if (!register) {
      this.#tellMissing(cwd);
      return config;
    }
    env.NODE_OPTIONS = `${nodeOptions} ${requireOption(register)}`.trim();
    env.HOTPATCH_APP_PROCESSES_ONLY ??= '1';
    const discoveryDir = discoveryDirSetting();
    if (discoveryDir) env.HOTPATCH_DISCOVERY_DIR ??= discoveryDir;
    this.options.output.info(`debug launch "${String(config.name)}": the agent is preloaded (${register})`);
    return { ...config, env };
  }

  #tellMissing(cwd: string): void {
    if (this.#told.has(cwd)) return;
    this.#told.add(cwd);
    const message =
      `Hotpatch: this launch runs without the agent: hotpatch-agent is not installed in ${cwd}. ` +
      'Install it (npm install -D hotpatch-agent) and launch again to hot-load while debugging.';
    this.options.output.warn(message);
    void vscode.window.showInformationMessage(message);
  }
}

/** The project's `hotpatch-agent/register`, resolved as the app's own `require` would from `cwd`. */
export function agentIn(cwd: string): string | undefined {
  try {
    return createRequire(join(cwd, 'package.json')).resolve('hotpatch-agent/register');
  } catch {
    return undefined;
  }
}

/** A `--require` of `path` for NODE_OPTIONS, which splits on spaces unless a value is in double quotes. */
export function requireOption(path: string): string {
  return `--require ${/[\s"]/.test(path) ? JSON.stringify(path) : path}`;
}
