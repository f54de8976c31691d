/**
 * The setup most language-server tests share: the real language server watching an app's
 * discovery folder, once every agent runs `relative`, with that file opened in the editor as it
 * is on disk. The server stops after the test.
 */
import { readFileSync } from 'node:fs';
import { after } from 'node:test';
import type { App } from './app';
import { LspSession } from './lsp';

export interface OpenedInServer {
  lsp: LspSession;
  /** The opened file's absolute path. */
  file: string;
  /** Its text when it was opened. */
  original: string;
}

/** `agents`: how many agents must run the file first (instances of the app sharing its folder). */
export async function openInServer(app: App, relative: string, agents = 1): Promise<OpenedInServer> {
  const lsp = await LspSession.start(app.discoveryDir);
  after(() => lsp.stop());
  const file = app.file(relative);
  await lsp.waitForModule(file, agents);
  const original = readFileSync(file, 'utf8');
  await lsp.open(file, original);
  return { lsp, file, original };
}
