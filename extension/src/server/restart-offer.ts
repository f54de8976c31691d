/**
 * The editor's side of "needs a restart" (.NET Hot Reload's rude edits): when a save loaded
 * but something of it could not apply in place, the user is asked "Restart / Not now /
 * Always"; Always restarts without asking for the rest of the session.
 */
import type { Connection } from 'vscode-languageserver/node';
import { needingRestart } from '../engine/needs-restart';
import type { SaveOutcome } from '../engine/save-pipeline';
import * as ext from '../shared/lsp-extensions';
import { errorMessage } from '../shared/error-message';

export const RESTART_APP = 'Restart';
export const NOT_NOW = 'Not now';
export const ALWAYS = 'Always';

export class RestartOffer {
  #always = false;

  constructor(private readonly connection: Connection) {}

  async after(outcome: SaveOutcome): Promise<void> {
    if (outcome.kind !== 'loaded') return;
    for (const { client, reasons } of needingRestart(outcome.outcomes)) {
      const app = `${client.info.appName} (pid ${client.info.pid})`;
      if (!this.#always) {
        const choice = await this.connection.window.showWarningMessage(
          `Hotpatch: ${reasons[0]}${reasons.length > 1 ? ` (and ${reasons.length - 1} more)` : ''}. Restart ${app} to apply it?`,
          { title: RESTART_APP },
          { title: NOT_NOW },
          { title: ALWAYS },
        );
        if (choice?.title === ALWAYS) this.#always = true;
        else if (choice?.title !== RESTART_APP) continue;
      }
      try {
        const { pid } = await client.restart();
        this.connection.console.log(`[hotpatch] restarted ${app} as pid ${pid}`);
      } catch (error) {
        void this.connection.window.showErrorMessage(`Hotpatch: could not restart ${app}: ${errorMessage(error)}`);
      }
      void this.connection.sendNotification(ext.treeChanged);
    }
  }
}
