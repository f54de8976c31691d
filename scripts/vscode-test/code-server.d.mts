// Types of code-server.mjs for the TypeScript that imports it (test/ui).
import type { ChildProcess } from 'node:child_process';
import type { BrowserContext } from 'playwright-core';

export function linkExtension(dir: string): void;
export function writeUserSettings(dir: string, settings?: Record<string, unknown>): void;
export function writeMachineSettings(dir: string, settings: Record<string, unknown>): void;
export function extensionsDir(dir: string): string;
export function installExtension(dir: string, vsix: string): void;
export function startCodeServer(options: {
  dir: string;
  port: number;
  cwd: string;
  env?: Record<string, string>;
  args?: string[];
  onOutput?: (chunk: string) => void;
}): Promise<ChildProcess>;
export function stopCodeServer(child: ChildProcess | undefined): Promise<void>;
export function launchChromium(profileDir: string): Promise<BrowserContext>;
export function freePort(preferred?: string | number): Promise<number>;
