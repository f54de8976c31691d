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

export const SECTION = 'hotpatch';

/** Settings whose change needs the server to start again (it reads them at initialization). */
export const SERVER_SETTINGS = ['loadOnSave', 'discoveryDir', 'agents', 'debounceMs'].map((s) => `${SECTION}.${s}`);

export function serverSettings(trusted: boolean): ServerSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const settings: ServerSettings = {
    loadOnSave: trusted && config.get<boolean>('loadOnSave', true),
    debounceMs: Math.max(0, config.get<number>('debounceMs', 20)),
    agents: agents(config.get<unknown>('agents')),
  };
  const discoveryDir = discoveryDirSetting();
  if (discoveryDir) settings.discoveryDir = discoveryDir;
  return settings;
}

/** `hotpatch.discoveryDir`, with `~` expanded; undefined for the agents' default. */
export function discoveryDirSetting(): string | undefined {
  const discoveryDir = vscode.workspace.getConfiguration(SECTION).get<string>('discoveryDir', '').trim();
  return discoveryDir ? expandHome(discoveryDir) : undefined;
}

/** Keeps the well-formed `{ url, token }` entries; the schema in package.json explains the rest to the user. */
function agents(value: unknown): { url: string; token: string }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { url, token } = entry as Record<string, unknown>;
    return typeof url === 'string' && typeof token === 'string' ? [{ url, token }] : [];
  });
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}
