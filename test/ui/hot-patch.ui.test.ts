/**
 * The whole product as a user meets it: the example app running with the agent, VS Code open on
 * its folder, and every step done with the keyboard and the mouse in the real workbench. Each step
 * leaves a screenshot in test/ui/out/screenshots/; HOTPATCH_UPDATE_DOCS=1 also copies the tree's
 * and the migration prompt's to docs/ for the README.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { App } from '../helpers/app';
import { repoRoot, tmpRoot } from '../helpers/paths';
import { waitFor } from '../helpers/wait';
import { EditorSession } from './editor-session';
import type { Workbench } from './workbench';

const screenshotsDir = join(repoRoot, 'test', 'ui', 'out', 'screenshots');

describe('hot-patching the running example app from VS Code (code-server in Chromium)', { timeout: 300_000 }, () => {
  let app: App;
  let editor: EditorSession;
  let ui: Workbench;
  let failed = false;
  let discoveryDir: string | undefined;

  /** A test that saves a screenshot of the window as it was when it fails. */
  const step = (name: string, body: (t: TestContext) => Promise<void>): void => {
    // The runner awaits the tests of a describe itself, in order.
    void test(name, async (t) => {
      // Each step goes on from where the one before left the app and the editor.
      if (failed) return t.skip('an earlier step failed');
      try {
        await body(t);
      } catch (error) {
        failed = true;
        const shot = await ui?.screenshot(`failed-${name.replace(/\W+/g, '-').slice(0, 60)}`).catch(() => undefined);
        if (shot) t.diagnostic(`screenshot: ${shot}`);
        throw error;
      }
    });
  };

  const screenshot = async (t: TestContext, name: string) => t.diagnostic(`screenshot: ${await ui.screenshot(name)}`);
  const visits = async () => JSON.parse(await app.get('/visits')) as { count: number; history: string[] };

  before(async () => {
    rmSync(screenshotsDir, { recursive: true, force: true });
    mkdirSync(tmpRoot, { recursive: true });
    // Outside the workspace, and private: apps other sessions run stay out of this tree.
    discoveryDir = mkdtempSync(join(tmpRoot, 'ui-discovery-'));
    app = await App.startExample({ discoveryDir });
    editor = await EditorSession.start(app.dir, discoveryDir, screenshotsDir);
    ui = editor.workbench;
  });

  after(async () => {
    await editor?.stop(failed);
    if (failed && editor) console.log(`# code-server's folders and log kept in ${editor.dir}`);
    await app?.stop();
    if (discoveryDir) rmSync(discoveryDir, { recursive: true, force: true });
  });

  step('the Live Modules view shows the running app and its hot modules', async (t) => {
    await ui.showLiveModules();
    await ui.resizeSideBar(480);
    const appRow = ui.treeItem(new RegExp(`^counter-app pid ${app.child.pid} · Node v\\S+ · connected`));
    await appRow.waitFor();
    assert.equal(await appRow.getAttribute('aria-expanded'), 'true', 'a single app starts expanded');
    await ui.treeItem(/^dist\/greeting\.js vsn 1,/).waitFor();
    await ui.treeItem(/^dist\/visits\.js vsn 1 · 1 process,/).waitFor();
    await ui.page.locator('.statusbar-item', { hasText: /^\s*1 app\s*$/ }).waitFor();
    await screenshot(t, '01-live-modules');
  });

  step(
    'edit greeting.ts, Ctrl+S: the tree shows vsn 2 over the old vsn 1, and the app answers with the new code',
    async (t) => {
      assert.equal(await app.get('/greet?name=ann'), 'Hello, ann!\n');
      await app.get('/?name=ann');
      await ui.openFile('greeting.ts');
      await ui.select('Hello');
      await ui.type('Howdy');
      await ui.select("vsn = '1");
      await ui.press('ArrowRight', 'Backspace');
      await ui.type('2');
      await ui.save('greeting.ts');
      const onDisk = readFileSync(app.file('src/greeting.ts'), 'utf8');
      assert.match(onDisk, /export const vsn = '2';/);
      assert.match(onDisk, /`Howdy, \$\{name\}!`/);

      const greeting = ui.treeItem(/^dist\/greeting\.js vsn 2 · old 1,/);
      await greeting.waitFor();
      assert.equal(await app.get('/greet?name=ann'), 'Howdy, ann!\n');
      assert.match(await app.get('/?name=bob'), /^Howdy, bob! \(visit 2, greeting vsn 2;/, 'the visit count is kept');
      await ui.expand(greeting);
      await ui.treeItem(/^current vsn 2 \(#2\) · .* · editor/).waitFor();
      await ui.treeItem(/^old vsn 1 \(#1\) · .* · startup/).waitFor();
      await ui.page.locator('.statusbar-item', { hasText: /^\s*1 app · .*\d/ }).waitFor();
      await screenshot(t, '02-greeting-saved');
    },
  );

  step(
    'a top level that throws, Ctrl+S: one error on the line and in the status bar, no notification; F8 goes to it; the app keeps serving vsn 2',
    async (t) => {
      const before = readFileSync(app.file('src/greeting.ts'), 'utf8');
      await ui.openFile('greeting.ts');
      await ui.select('export function greet');
      await ui.press('ArrowLeft');
      await ui.type("throw new Error('not yet');");
      await ui.press('Enter');
      await ui.save('greeting.ts');
      const line =
        readFileSync(app.file('src/greeting.ts'), 'utf8').split('\n').indexOf("throw new Error('not yet');") + 1;
      assert.ok(line > 0, 'the throw is in the file on disk');

      // Reported once: the error on its line (one error in the Problems count) and the status bar entry.
      await ui.activeEditor.locator('.squiggly-error').first().waitFor();
      await ui.page.locator('[id="status.problems"]', { hasText: /^\s*1\s+\d+\s*$/ }).waitFor();
      await ui.page.locator('.statusbar-item', { hasText: /1 app ·\s+greeting\.ts not loaded \d/ }).waitFor();
      await screenshot(t, '03-load-error');
      assert.equal(await app.get('/greet?name=ann'), 'Howdy, ann!\n', 'the old code keeps serving');
      await ui.treeItem(/^dist\/greeting\.js vsn 2 · old 1,/).waitFor();

      // F8 (next problem) shows the error where it is, with the agent's message. From the file's
      // start, so that the next problem is this file's: after the last one, F8 goes on to other
      // files' (a warning elsewhere, which the count above allows).
      await ui.press('Control+Home', 'F8');
      const widget = ui.page.locator('.marker-widget');
      await widget.waitFor();
      await widget
        .filter({ hasText: /Not hot-loaded: top level threw: not yet/ })
        .waitFor({ timeout: 10_000 })
        .catch(async () => assert.fail(`F8 showed another problem: ${await widget.innerText()}`));
      await ui.page.locator('.statusbar-item', { hasText: new RegExp(`^\\s*Ln ${line}, Col \\d+`) }).waitFor();
      assert.equal(await ui.notification(/not yet/).count(), 0, 'no notification for the failed load');
      await ui.press('Escape');
      await ui.page.locator('.marker-widget').waitFor({ state: 'hidden' });
      // Take the throw out again: the file is back to the code running, so the save loads nothing.
      await ui.press('Control+Shift+K');
      await ui.save('greeting.ts');
      assert.equal(readFileSync(app.file('src/greeting.ts'), 'utf8'), before);
      await ui.activeEditor.locator('.squiggly-error').first().waitFor({ state: 'detached' });
    },
  );

  step('change the State type of visits.ts, Ctrl+S: the migration prompt, and the running app untouched', async (t) => {
    assert.deepEqual(await visits(), { count: 2, history: ['ann', 'bob'] });
    await ui.openFile('visits.ts');
    await ui.select('history: string[];');
    await ui.press('End', 'Enter');
    await ui.type('since: string;');
    await ui.select('history: []');
    await ui.press('ArrowRight');
    await ui.type(", since: 'startup'");
    await ui.select('{ count: state.count + 1,');
    await ui.press('ArrowLeft', 'ArrowRight');
    await ui.type(' ...state,');
    await ui.save('visits.ts');
    const onDisk = readFileSync(app.file('src/visits.ts'), 'utf8');
    assert.match(onDisk, /history: string\[\];\n {2}since: string;\n\}/);
    assert.match(onDisk, /init: \(\) => \(\{ count: 0, history: \[\], since: 'startup' \}\),/);
    assert.match(onDisk, /const next = \{ \.\.\.state, count: state\.count \+ 1,/);

    const prompt = ui.notification(/State changed since v1 .*since: string.*Nothing was loaded/);
    await prompt.waitFor();
    await ui.settled(prompt);
    for (const action of ['Generate migration', 'Load and restart processes', 'Cancel']) {
      await prompt.getByRole('button', { name: action }).waitFor();
    }
    await ui.page.locator('.statusbar-item', { hasText: /^\s*1 app · .*\d/ }).waitFor();
    assert.deepEqual(await visits(), { count: 2, history: ['ann', 'bob'] }, 'nothing was loaded');
    await screenshot(t, '04-migration-prompt');
  });

  step('Generate migration writes the codeChange stub into the editor, unsaved, and selects it', async (t) => {
    const prompt = ui.notification(/State changed since v1/);
    await prompt.getByRole('button', { name: 'Generate migration' }).click();
    await prompt.waitFor({ state: 'hidden' });
    // The stub is in the editor, unsaved, and in view with its text selected.
    await ui.activeEditor.locator('.view-lines', { hasText: 'codeChange(' }).waitFor();
    await ui.activeTab('visits.ts').and(ui.page.locator('.dirty')).waitFor();
    await ui.activeEditor.locator('.selected-text').first().waitFor();
    await screenshot(t, '05-migration-generated');
  });

  step(
    'Preview migration (command palette): the state before and after codeChange side by side, nothing committed',
    async (t) => {
      await ui.runCommand('Hotpatch: Preview migration');
      const diff = ui.page.locator('.editor-group-container.active .monaco-diff-editor');
      // A preview tab's accessible name may carry more after its title.
      await ui.activeTab(/^visits\.ts: state 1 → 1 \(codeChange, not committed\)/).waitFor();
      await diff.locator('.editor.original .view-lines', { hasText: /"count":\s*2/ }).waitFor();
      await diff.locator('.editor.modified .view-lines', { hasText: /"since":\s*""/ }).waitFor();
      assert.equal(await diff.locator('.editor.original .view-lines', { hasText: '"since"' }).count(), 0);
      await screenshot(t, '06-migration-preview');
      assert.deepEqual(await visits(), { count: 2, history: ['ann', 'bob'] }, 'a preview commits nothing');
    },
  );

  step('Ctrl+S on the migration: the running process is migrated with its count kept', async (t) => {
    await ui.openFile('visits.ts');
    await ui.save('visits.ts');
    assert.match(readFileSync(app.file('src/visits.ts'), 'utf8'), /codeChange\(/);
    const migrated = await waitFor(
      'the migrated state',
      async () => {
        const state = (await visits()) as { since?: string };
        return 'since' in state ? state : undefined;
      },
      30_000,
    );
    // The stub keeps every field the old state had and gives the new one its type's empty value.
    assert.deepEqual(migrated, { count: 2, history: ['ann', 'bob'], since: '' });
    assert.match(await app.get('/?name=cy'), /visit 3\b/, 'the count goes on from where it was');
    await ui.treeItem(/^dist\/visits\.js vsn \S+ · old \S+ · 1 process,/).waitFor();
    await screenshot(t, '07-migrated');
  });

  step("Show state on the visits process: the process's migrated state as JSON", async (t) => {
    const module = ui.treeItem(/^dist\/visits\.js vsn /);
    await ui.expand(module);
    const current = ui.treeItem(/^current vsn \S+ \(#2\) · .* · 1 process/);
    await ui.expand(current);
    await ui.treeItem(/^visits /).click();
    await ui.activeTab(/^visits_1\.json\b/).waitFor();
    const lines = ui.activeEditor.locator('.view-lines');
    await lines.filter({ hasText: /"count":\s*3/ }).waitFor();
    await lines.filter({ hasText: /"since":\s*""/ }).waitFor();
    await screenshot(t, '08-process-state');
    if (process.env.HOTPATCH_UPDATE_DOCS === '1') {
      copyFileSync(join(screenshotsDir, '08-process-state.png'), join(repoRoot, 'docs', 'screenshot-tree.png'));
      copyFileSync(join(screenshotsDir, '04-migration-prompt.png'), join(repoRoot, 'docs', 'screenshot-migration.png'));
    }
  });
  step(
    "the supervision tree: Suspend process on its visits child queues the app's calls; Resume answers them",
    async (t) => {
      const supervisor = ui.treeItem(/^supervisor#\d+ one_for_one · 1 child · dist\/main\.js/);
      await ui.expand(supervisor);
      const running = ui.treeItem(/^visits running · visits#\d+/);
      await running.click({ button: 'right' });
      // Shown by the row's state: a running process offers Suspend, not Resume.
      await ui.page.getByRole('menuitem', { name: 'Show status' }).waitFor();
      assert.equal(await ui.page.getByRole('menuitem', { name: 'Resume process' }).count(), 0);
      await ui.chooseMenuItem('Suspend process');
      const suspended = ui.treeItem(/^visits suspended by a client · visits#\d+/);
      await suspended.waitFor();
      await screenshot(t, '08b-suspended-child');
      await suspended.click({ button: 'right' });
      assert.equal(await ui.page.getByRole('menuitem', { name: 'Suspend process' }).count(), 0);
      // The app's call waits in the mailbox, under its 5 s timeout, from here to the click on
      // Resume: the menu is open first so that nothing slow in the workbench comes in between.
      const queued = visits();
      const agent = await app.connect();
      try {
        await waitFor('the call to queue', async () => (await agent.status('visits')).process.mailbox === 1);
      } finally {
        agent.close();
      }
      await ui.chooseMenuItem('Resume process');
      await ui.treeItem(/^visits running · visits#\d+/).waitFor();
      assert.equal((await queued).count, 3, 'the call that waited is answered after the resume');
    },
  );
  step(
    'note.ts gains a field, Ctrl+S: the prompt names NotesService.notes; Generate migration writes a static codeChange into the service',
    async (t) => {
      assert.deepEqual(JSON.parse(await app.get('/notes?add=milk')), [{ text: 'milk' }]);
      await ui.openFile('note.ts');
      await ui.select('text: string;');
      await ui.press('End', 'Enter');
      await ui.type('pinned: boolean;');
      await ui.save('note.ts');
      const prompt = ui.notification(
        /NotesService\.notes: Note\[\] changed since v1 .*pinned: boolean.*Nothing was loaded/,
      );
      await prompt.waitFor();
      await ui.settled(prompt);
      await screenshot(t, '09-class-field-prompt');
      await prompt.getByRole('button', { name: 'Generate migration' }).click();
      await prompt.waitFor({ state: 'hidden' });
      await ui.activeTab('notes.service.ts').and(ui.page.locator('.dirty')).waitFor();
      await ui.activeEditor.locator('.view-lines', { hasText: 'static codeChange(' }).waitFor();
      assert.deepEqual(JSON.parse(await app.get('/notes')), [{ text: 'milk' }], 'nothing was loaded');
    },
  );

  step("Preview migration: the live NotesService instance's fields before and after, nothing committed", async (t) => {
    await ui.runCommand('Hotpatch: Preview migration');
    await ui.activeTab(/^notes\.service\.ts: state 1 → 1 \(codeChange, not committed\)/).waitFor();
    const diff = ui.page.locator('.editor-group-container.active .monaco-diff-editor');
    await diff.locator('.editor.modified .view-lines', { hasText: /"pinned":\s*false/ }).waitFor();
    assert.equal(await diff.locator('.editor.original .view-lines', { hasText: '"pinned"' }).count(), 0);
    await screenshot(t, '10-class-field-preview');
    assert.deepEqual(JSON.parse(await app.get('/notes')), [{ text: 'milk' }], 'a preview commits nothing');
  });

  step("Ctrl+S on notes.service.ts: the live instance's notes converted", async (t) => {
    await ui.openFile('notes.service.ts');
    await ui.save('notes.service.ts');
    const notes = await waitFor(
      'the converted notes',
      async () => {
        const notes = JSON.parse(await app.get('/notes')) as { pinned?: boolean }[];
        return notes[0]?.pinned === false ? notes : undefined;
      },
      30_000,
    );
    assert.deepEqual(notes, [{ text: 'milk', pinned: false }]);
    await screenshot(t, '11-class-field-migrated');
  });

  step('tags.ts: Tag gains a field, Ctrl+S, Generate migration, Ctrl+S: the module variable converted', async (t) => {
    assert.deepEqual(JSON.parse(await app.get('/tags?add=home')), [{ name: 'home' }]);
    await ui.openFile('tags.ts');
    await ui.select('name: string;');
    await ui.press('End', 'Enter');
    await ui.type('uses: number;');
    await ui.select('tags.push({ name');
    await ui.press('ArrowRight');
    await ui.type(', uses: 1');
    await ui.save('tags.ts');
    const prompt = ui.notification(/module variables of tags\.ts: tags: Tag\[\] changed since v1 .*uses: number/);
    await prompt.waitFor();
    await ui.settled(prompt);
    await prompt.getByRole('button', { name: 'Generate migration' }).click();
    await prompt.waitFor({ state: 'hidden' });
    await ui.activeEditor.locator('.view-lines', { hasText: 'export function codeChange(' }).waitFor();
    assert.deepEqual(JSON.parse(await app.get('/tags')), [{ name: 'home' }], 'nothing was loaded');
    await ui.save('tags.ts');
    const tags = await waitFor(
      'the converted tags',
      async () => {
        const tags = JSON.parse(await app.get('/tags')) as { uses?: number }[];
        return tags[0]?.uses === 0 ? tags : undefined;
      },
      30_000,
    );
    assert.deepEqual(tags, [{ name: 'home', uses: 0 }]);
    await screenshot(t, '12-module-variable-migrated');
  });

  step('edit greeting.ts and tags.ts, Save All: both go live in one transaction', async (t) => {
    // Opened from the tree (a click on a module opens its source): Quick Open's list, with many
    // recently opened files by now, may still be changing under the click.
    await ui.treeItem(/^dist\/greeting\.js vsn 2 · old 1,/).click();
    await ui.activeTab('greeting.ts').waitFor();
    await ui.select('Howdy');
    await ui.type('Hi');
    await ui.select("vsn = '2");
    await ui.press('ArrowRight', 'Backspace');
    await ui.type('3');
    await ui.treeItem(/^dist\/tags\.js vsn /).click();
    await ui.activeTab('tags.ts').waitFor();
    await ui.select('uses: 1');
    await ui.type('uses: 2');
    assert.equal(await app.get('/greet?name=ann'), 'Howdy, ann!\n', 'nothing saved yet');

    await ui.runCommand('File: Save All');
    for (const name of ['greeting.ts', 'tags.ts']) {
      await ui.page.getByRole('tab', { name, exact: true }).and(ui.page.locator('.tab:not(.dirty)')).waitFor();
    }
    assert.match(readFileSync(app.file('src/greeting.ts'), 'utf8'), /`Hi, \$\{name\}!`/);
    assert.match(readFileSync(app.file('src/tags.ts'), 'utf8'), /uses: 2/);
    // One release of the two files, as the status bar says; both are live.
    await ui.page.locator('.statusbar-item', { hasText: /1 app ·\s+2 files \d/ }).waitFor();
    await ui.treeItem(/^dist\/greeting\.js vsn 3 · old 2,/).waitFor();
    assert.equal(await app.get('/greet?name=ann'), 'Hi, ann!\n');
    assert.deepEqual(JSON.parse(await app.get('/tags?add=work')), [
      { name: 'home', uses: 0 },
      { name: 'work', uses: 2 },
    ]);
    await screenshot(t, '13-save-all');
  });
});
