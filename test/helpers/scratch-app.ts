/**
 * An app of one CommonJS file (app.js) written into a scratch folder, started with the agent,
 * its client connected: for the tests that load app.js again and again with a part of its
 * running text replaced.
 */
import assert from 'node:assert/strict';
import type { AgentClient } from 'hotpatch-extension/engine';
import { App } from './app';
import { scratchFiles } from './scratch';

export class ScratchApp {
  /** The text app.js runs now: each loadWith edits it. */
  #text: string;

  private constructor(
    readonly app: App,
    readonly client: AgentClient,
    text: string,
  ) {
    this.#text = text;
  }

  /** Starts `text` as app.js in a scratch folder named from `prefix`. Call in a `before`. */
  static async start(prefix: string, text: string): Promise<ScratchApp> {
    const app = await App.start('cjs', { fixture: scratchFiles(prefix, { 'app.js': text }) });
    return new ScratchApp(app, await app.connect(), text);
  }

  /** Loads app.js with `find` (which must be in the running text) replaced by `replacement`. */
  loadWith(find: string, replacement: string): ReturnType<AgentClient['load']> {
    assert.ok(this.#text.includes(find), find);
    this.#text = this.#text.replace(find, replacement);
    return this.client.load({ file: this.app.file('app.js'), code: this.#text });
  }

  async stop(): Promise<void> {
    this.client.close();
    await this.app.stop();
  }
}
