/**
 * A real VS Code for the UI tests: code-server on 127.0.0.1 (installed by
 * scripts/vscode-test/setup.mjs) with this repository linked in as an installed extension, as
 * `npm run demo` runs it, and its workbench open on a workspace in headless Debian Chromium.
 */
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import {
  freePort,
  launchChromium,
  linkExtension,
  startCodeServer,
  stopCodeServer,
  writeMachineSettings,
  writeUserSettings,
} from '../../scripts/vscode-test/code-server.mjs';
import { cacheDir, chromium, codeServerMarker } from '../../scripts/vscode-test/paths.mjs';
import { Workbench } from './workbench';

/** Settings that keep the editor from doing things on its own while the test types. */
const quietEditor = {
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'workbench.colorTheme': 'Dark Modern',
  'editor.minimap.enabled': false,
  // Completion popups would take Enter or a commit character typed by the test.
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'editor.suggestOnTriggerCharacters': false,
  'editor.parameterHints.enabled': false,
  'editor.hover.enabled': 'off',
  'files.autoSave': 'off',
  // Before and after side by side even in a 1280-pixel window, as on a wide screen.
  'diffEditor.useInlineViewWhenSpaceIsLimited': false,
};

export class EditorSession {
  private constructor(
    readonly dir: string,
    readonly workbench: Workbench,
    private readonly codeServer: ChildProcess,
    private readonly browser: BrowserContext,
  ) {}

  /** Opens `workspace` in VS Code with Hotpatch watching `discoveryDir` for running apps. */
  static async start(workspace: string, discoveryDir: string, screenshotsDir: string): Promise<EditorSession> {
    if (!existsSync(codeServerMarker) || !existsSync(chromium)) {
      throw new Error('code-server or Chromium is missing: run node scripts/vscode-test/setup.mjs');
    }
    const dir = join(cacheDir, 'ui', String(process.pid));
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    linkExtension(dir);
    writeUserSettings(dir, quietEditor);
    writeMachineSettings(dir, { 'hotpatch.discoveryDir': discoveryDir });
    const port = await freePort();
    const log = join(dir, 'code-server.log');
    const codeServer = await startCodeServer({
      dir,
      port,
      cwd: workspace,
      // Trust is not what these tests are about: restricted mode would not load on save.
      args: ['--disable-workspace-trust'],
      onOutput: (chunk) => appendFileSync(log, chunk),
    });
    let browser: BrowserContext | undefined;
    try {
      browser = await launchChromium(join(dir, 'chromium-profile'));
      const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
      const workbench = await Workbench.open(browser, url, screenshotsDir);
      return new EditorSession(dir, workbench, codeServer, browser);
    } catch (error) {
      await browser?.close();
      await stopCodeServer(codeServer);
      throw error;
    }
  }

  /** Closes the browser and stops code-server's process group; keeps `dir` (logs) when `keep`. */
  async stop(keep: boolean): Promise<void> {
    await Promise.race([this.browser.close(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    await stopCodeServer(this.codeServer);
    if (!keep) rmSync(this.dir, { recursive: true, force: true });
  }
}
