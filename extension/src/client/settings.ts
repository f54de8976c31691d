/**
 * The `hotpatch.*` settings, turned into the language server's initializationOptions. In
 * restricted mode (an untrusted workspace) nothing is loaded on save, and VS Code ignores the
 * workspace's values of the settings listed in `restrictedConfigurations` (package.json), so a
 * cloned repository cannot point the server at agents of its choosing.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ServerSettings } from '../server/hotpatch-server';
import { loadOnSaveMode } from '../shared/load-on-save';

export const SECTION = 'hotpatch';

/** Settings whose change needs the server to start again (it reads them at initialization). */
export const SERVER_SETTINGS = [
  'loadOnSave',
  'loadOnAutoSave',
  'notifyOnLoadFailure',
  'discoveryDir',
  'agents',
  'debounceMs',
].map((s) => `${SECTION}.${s}`);

/**
 * `storedToken`: an agent's token from SecretStorage (see agent-tokens.ts), for entries of
 * `hotpatch.agents` that have none.
 */
export function serverSettings(
  trusted: boolean,
  storedToken: (url: string) => string | undefined = () => undefined,
): ServerSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const settings: ServerSettings = {
    loadOnSave: trusted ? loadOnSaveMode(config.get<unknown>('loadOnSave')) : 'never',
    loadOnAutoSave: config.get<boolean>('loadOnAutoSave', false) === true,
    notifyOnLoadFailure: config.get<boolean>('notifyOnLoadFailure', false) === true,
    debounceMs: Math.max(0, config.get<number>('debounceMs', 20)),
    agents: agents(config.get<unknown>('agents'), storedToken),
  };
  const discoveryDir = discoveryDirSetting();
  if (discoveryDir) settings.discoveryDir = discoveryDir;
  return settings;
}

/**
 * `hotpatch.loadOnSave` was a boolean before it named modes: each boolean value found (user,
 * workspace, folder) is rewritten where it is, `true` as `all` and `false` as `never`, and the
 * user is told once. The server reads a boolean the same way, so nothing changes meanwhile.
 */
export async function migrateLoadOnSave(output: vscode.LogOutputChannel): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const found = config.inspect<unknown>('loadOnSave');
  const targets: [unknown, vscode.ConfigurationTarget, string][] = [
    [found?.globalValue, vscode.ConfigurationTarget.Global, 'user'],
    [found?.workspaceValue, vscode.ConfigurationTarget.Workspace, 'workspace'],
    [found?.workspaceFolderValue, vscode.ConfigurationTarget.WorkspaceFolder, 'folder'],
  ];
  const rewritten: string[] = [];
  for (const [value, target, where] of targets) {
    if (typeof value !== 'boolean') continue;
    // A restricted workspace's settings are not ours to write.
    if (target !== vscode.ConfigurationTarget.Global && !vscode.workspace.isTrusted) continue;
    const mode = loadOnSaveMode(value);
    try {
      await config.update('loadOnSave', mode, target);
      rewritten.push(`${where}: ${String(value)} → "${mode}"`);
    } catch (error) {
      output.warn(`could not rewrite hotpatch.loadOnSave in the ${where} settings: ${String(error)}`);
    }
  }
  if (rewritten.length === 0) return;
  const message = `Hotpatch: hotpatch.loadOnSave now names a mode (never, manual, all, allIfDirty); your setting was rewritten (${rewritten.join(', ')}).`;
  output.info(message);
  void vscode.window.showInformationMessage(message);
}

/** `hotpatch.discoveryDir`, with `~` expanded; undefined for the agents' default. */
export function discoveryDirSetting(): string | undefined {
  const discoveryDir = vscode.workspace.getConfiguration(SECTION).get<string>('discoveryDir', '').trim();
  return discoveryDir ? expandHome(discoveryDir) : undefined;
}

/**
 * Keeps the well-formed `{ url, token }` entries, a missing token taken from SecretStorage; the
 * schema in package.json explains the rest to the user.
 */
function agents(value: unknown, storedToken: (url: string) => string | undefined): { url: string; token: string }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { url, token } = entry as Record<string, unknown>;
    if (typeof url !== 'string') return [];
    const resolved = typeof token === 'string' ? token : storedToken(url);
    return resolved === undefined ? [] : [{ url, token: resolved }];
  });
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}
