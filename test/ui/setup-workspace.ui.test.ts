/**
 * A user's own project, without the agent, opened in the real workbench: "Hotpatch: Set up this
 * workspace" from the command palette shows the changes to package.json and .vscode/launch.json
 * as a diff with a modal question, writes them on Apply, offers to install hotpatch-agent, and
 * says so when run again. Keyboard and mouse only, as in hot-patch.ui.test.ts.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'jsonc-parser';
import { repoRoot, tmpRoot } from '../helpers/paths';
import { waitFor } from '../helpers/wait';
import { EditorSession } from './editor-session';
import type { Workbench } from './workbench';

const screenshotsDir = join(repoRoot, 'test', 'ui', 'out', 'screenshots-setup');

describe(
  '"Set up this workspace" on a project without the agent (code-server in Chromium)',
  { timeout: 240_000 },
  () => {
    let project = '';
    let discoveryDir = '';
    let editor: EditorSession | undefined;
    let ui: Workbench;
    let failed = false;

    before(async () => {
      rmSync(screenshotsDir, { recursive: true, force: true });
      mkdirSync(tmpRoot, { recursive: true });
      // The folder's name is the workspace's, which the dialog and the tab name.
      project = join(mkdtempSync(join(tmpRoot, 'setup-')), 'my-app');
      mkdirSync(project);
      discoveryDir = mkdtempSync(join(tmpRoot, 'ui-setup-discovery-'));
      writeFileSync(
        join(project, 'package.json'),
        `${JSON.stringify({ name: 'my-app', version: '1.0.0', main: 'server.js', scripts: { start: 'node server.js' } }, null, 2)}\n`,
      );
      writeFileSync(
        join(project, 'server.js'),
        "require('node:http').createServer((_, res) => res.end('hi\\n')).listen(3000);\n",
      );
      editor = await EditorSession.start(project, discoveryDir, screenshotsDir);
      ui = editor.workbench;
    });

    after(async () => {
      await editor?.stop(failed);
      if (failed && editor) console.log(`# code-server's folders and log kept in ${editor.dir}`);
      if (project) rmSync(dirname(project), { recursive: true, force: true });
      if (discoveryDir) rmSync(discoveryDir, { recursive: true, force: true });
    });

    test('the command shows the diff and asks; Apply writes the start script and a launch configuration, and offers the install', async (t) => {
      try {
        // The palette lists an extension's commands once the extension host has read them, as it
        // has when the Hotpatch view's icon is in the activity bar.
        await ui.page.locator('.activitybar a[aria-label="Hotpatch"]').waitFor();
        await ui.runCommand('Hotpatch: Set up this workspace');
        const dialog = ui.page.locator('.monaco-dialog-box', { hasText: 'Set up my-app to run with Hotpatch?' });
        await dialog.waitFor();
        await dialog.getByText('package.json: "start": "node -r hotpatch-agent/register server.js"').waitFor();
        await dialog.getByText(/\.vscode\/launch\.json: a "Launch with Hotpatch" configuration/).waitFor();
        // Behind it, the proposed texts against the current ones, both files in one view.
        await ui.activeTab(/^Hotpatch: set up my-app \(proposed\)/).waitFor();
        await ui.page
          .locator('.editor-group-container.active .view-lines', { hasText: '-r hotpatch-agent/register server.js' })
          .first()
          .waitFor();
        t.diagnostic(`screenshot: ${await ui.screenshot('01-setup-diff')}`);
        assert.equal(existsSync(join(project, '.vscode', 'launch.json')), false, 'nothing written before Apply');

        await dialog.getByRole('button', { name: 'Apply' }).click();
        // The workbench's file service may create the file before it writes its text, so wait for
        // a whole document rather than for the file to exist.
        const launch = await waitFor('.vscode/launch.json with its configurations', () => {
          const path = join(project, '.vscode', 'launch.json');
          const parsed = existsSync(path) && (parse(readFileSync(path, 'utf8')) as { configurations?: unknown[] });
          return parsed && parsed.configurations && parsed;
        });
        assert.deepEqual(launch.configurations, [
          {
            type: 'node',
            request: 'launch',
            name: 'Launch with Hotpatch',
            program: '${workspaceFolder}/server.js',
            runtimeArgs: ['-r', 'hotpatch-agent/register'],
            skipFiles: ['<node_internals>/**'],
          },
        ]);
        const manifest = await waitFor('the start script', () => {
          const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { scripts: { start: string } };
          return pkg.scripts.start.includes('hotpatch-agent') && pkg;
        });
        assert.equal(manifest.scripts.start, 'node -r hotpatch-agent/register server.js');
        const install = ui.notification(
          /does not depend on hotpatch-agent\. Install it with npm install -D hotpatch-agent\?/,
        );
        await install.waitFor();
        await install.getByRole('button', { name: 'Install' }).waitFor();
        await ui.settled(install);
        t.diagnostic(`screenshot: ${await ui.screenshot('02-setup-applied')}`);

        // Run again: nothing is left to change, and it says so.
        await ui.runCommand('Hotpatch: Set up this workspace');
        await ui.notification(/my-app runs with the agent already/).waitFor();
        assert.equal(await ui.page.locator('.monaco-dialog-box').count(), 0, 'no question when nothing changes');
      } catch (error) {
        failed = true;
        const shot = await ui?.screenshot('failed-setup').catch(() => undefined);
        if (shot) t.diagnostic(`screenshot: ${shot}`);
        throw error;
      }
    });
  },
);
