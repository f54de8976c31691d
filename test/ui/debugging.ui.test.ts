/**
 * Debugging as a user starts it: the example app's folder with a plain launch.json (nothing of
 * Hotpatch in it), the Run and Debug view, its Start Debugging button. The app the debugger
 * starts shows in the Live Modules tree, with the agent the extension added to the launch.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { exampleAppDir, repoRoot, tmpRoot } from '../helpers/paths';
import { EditorSession } from './editor-session';
import type { Workbench } from './workbench';

const screenshotsDir = join(repoRoot, 'test', 'ui', 'out', 'screenshots');
let editor: EditorSession | undefined;
let ui: Workbench;
let failed = false;
let workspace = '';
let discoveryDir = '';

before(async () => {
  mkdirSync(tmpRoot, { recursive: true });
  workspace = mkdtempSync(join(tmpRoot, 'ui-debug-'));
  cpSync(exampleAppDir, workspace, { recursive: true, filter: (path) => !/[\\/](dist|node_modules)$/.test(path) });
  execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', workspace]);
  mkdirSync(join(workspace, '.vscode'));
  const launch = {
    version: '0.2.0',
    configurations: [
      {
        type: 'node',
        request: 'launch',
        name: 'Run counter-app',
        program: '${workspaceFolder}/dist/main.js',
        env: { PORT: '0' },
      },
    ],
  };
  writeFileSync(join(workspace, '.vscode', 'launch.json'), JSON.stringify(launch, null, 2));
  // Outside the workspace, and private: apps other sessions run stay out of this tree.
  discoveryDir = mkdtempSync(join(tmpRoot, 'ui-debug-discovery-'));
  editor = await EditorSession.start(workspace, discoveryDir, screenshotsDir);
  ui = editor.workbench;
});

after(async () => {
  if (editor && !failed) await ui.press('Shift+F5').catch(() => undefined);
  await editor?.stop(failed);
  if (failed && editor) console.log(`# code-server's folders and log kept in ${editor.dir}`);
  rmSync(workspace, { recursive: true, force: true });
  rmSync(discoveryDir, { recursive: true, force: true });
});

test('Start Debugging in the Run view: the app runs with the agent and shows in the Live Modules tree', async () => {
  try {
    await ui.press('Control+Shift+D');
    const sidebar = ui.page.locator('.part.sidebar');
    // The button shows before the view has read launch.json; a click then starts nothing. A
    // user clicks once the configuration's name is shown beside it.
    await sidebar.locator('.start-debug-action-item-dropdown-label', { hasText: 'Run counter-app' }).waitFor();
    const start = sidebar.getByRole('button', { name: /^Start Debugging/ });
    await start.click();
    // The debug toolbar shows while the session runs.
    await ui.page.locator('.debug-toolbar').waitFor();
    await ui.showLiveModules();
    await ui.resizeSideBar(480);
    const appRow = ui.treeItem(/^counter-app pid \d+ · Node v\S+ · connected/);
    await appRow.waitFor({ timeout: 60_000 });
    await ui.treeItem(/^dist\/greeting\.js vsn 1,/).waitFor();
    await ui.screenshot('debug-01-launched-app-in-tree');
    assert.match((await appRow.getAttribute('aria-label')) ?? '', /connected/);
  } catch (error) {
    failed = true;
    await ui?.screenshot('debug-failed').catch(() => undefined);
    throw error;
  }
});
