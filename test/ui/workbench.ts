/**
 * The VS Code workbench (code-server's, in headless Chromium) driven as a user drives it: the
 * keyboard and the mouse through Playwright, never the extension's API. Every wait is one of
 * Playwright's own: a locator waits until its element is there, up to the page's default timeout.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';

export class Workbench {
  private constructor(
    readonly page: Page,
    private readonly screenshotsDir: string,
  ) {}

  /** Opens `url` (a workbench with a folder) and waits for the workbench to be laid out. */
  static async open(context: BrowserContext, url: string, screenshotsDir: string): Promise<Workbench> {
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(30_000);
    await page.goto(url);
    await page.locator('.monaco-workbench .part.editor').waitFor();
    mkdirSync(screenshotsDir, { recursive: true });
    return new Workbench(page, screenshotsDir);
  }

  /**
   * The Live Modules view, shown by clicking Hotpatch in the activity bar. Its tree is there once
   * an app is listed; until then the view shows its welcome text (an app launched a moment ago
   * may not have connected yet: the caller waits for its row).
   */
  async showLiveModules(): Promise<void> {
    await this.page.locator('.activitybar a[aria-label="Hotpatch"]').click();
    await this.liveModules.or(this.page.getByText('No running app with the Hotpatch agent was found')).waitFor();
  }

  get liveModules(): Locator {
    return this.page.getByRole('tree', { name: 'Live Modules' });
  }

  /** Drags the side bar's edge so that it is `width` pixels wide (room for the tree's descriptions). */
  async resizeSideBar(width: number): Promise<void> {
    const sideBar = await this.page.locator('.part.sidebar').boundingBox();
    if (!sideBar) throw new Error('no side bar');
    const y = sideBar.y + sideBar.height / 2;
    await this.page.mouse.move(sideBar.x + sideBar.width, y);
    await this.page.mouse.down();
    await this.page.mouse.move(sideBar.x + width, y, { steps: 5 });
    await this.page.mouse.up();
  }

  /** Resolves once `toast` has finished sliding in (for a screenshot that shows all of it). */
  async settled(toast: Locator): Promise<void> {
    await toast.and(this.page.locator('.notification-fade-in-done')).waitFor();
  }

  /** A row of the Live Modules tree by its accessible name: `label description`. */
  treeItem(name: RegExp): Locator {
    return this.liveModules.getByRole('treeitem', { name });
  }

  /** Expands a tree row with its twistie (a click on the row itself would run its command). */
  async expand(item: Locator): Promise<void> {
    if ((await item.getAttribute('aria-expanded')) === 'false') await item.locator('.monaco-tl-twistie').click();
    await this.page.waitForFunction((row) => row?.getAttribute('aria-expanded') === 'true', await item.elementHandle());
  }

  /**
   * Chooses `name` in the open context menu. VS Code's menu items take a click only once they
   * have been shown for 100 ms (its `runOnceToEnableMouseUp`): a click sooner is dropped and the
   * menu stays open, so the click is made again until the menu closes.
   */
  async chooseMenuItem(name: string): Promise<void> {
    const item = this.page.getByRole('menuitem', { name });
    for (let attempt = 1; ; attempt++) {
      await item.click();
      const closed = await item.waitFor({ state: 'hidden', timeout: 2000 }).then(
        () => true,
        (error: unknown) => {
          if (attempt >= 5) throw error;
          return false;
        },
      );
      if (closed) return;
    }
  }

  /** Quick Open (Ctrl+P) a file by name; resolves once its editor is the active one. */
  async openFile(name: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('Control+P');
      await input.waitFor();
      // Right after a context menu closes, the workbench can be inert for a moment, and Quick Open
      // then closed before it took the name (seen once in CI): open it again, as a user would.
      const filled = await input.fill(name, { timeout: 5000 }).then(
        () => true,
        (error: unknown) => {
          if (attempt >= 3) throw error;
          return false;
        },
      );
      if (filled) break;
    }
    // The file itself, not a recently opened editor whose title merely contains its name.
    const row = this.page.locator('.quick-input-list .monaco-list-row').filter({ has: this.labelNamed(name) });
    await row.first().click();
    await this.activeTab(name).waitFor();
    await this.activeEditor.locator('.view-lines').waitFor();
  }

  /** Runs a command from the command palette (F1) by its full title, e.g. `Hotpatch: Roll back`. */
  async runCommand(title: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    const row = this.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: title });
    // The palette lists the commands enabled when it opens. Right after the window loads, a
    // command enabled only in a trusted workspace is still missing (the workbench sets
    // `isWorkspaceTrusted` once trust is resolved): as a user would, close the palette and open it again.
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('F1');
      await input.waitFor();
      await input.fill(`>${title}`);
      const listed = await row.waitFor({ timeout: attempt < 3 ? 10_000 : undefined }).then(
        () => true,
        (error: unknown) => {
          if (attempt >= 3) throw error;
          return false;
        },
      );
      if (listed) break;
      await this.page.keyboard.press('Escape');
      await input.waitFor({ state: 'hidden' });
    }
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
  }

  /** The active editor's tab, by its exact title, or a pattern of its accessible name. */
  activeTab(name: string | RegExp): Locator {
    return this.page
      .locator('.editor-group-container.active .tab.active')
      .and(this.page.getByRole('tab', { name, exact: typeof name === 'string' }));
  }

  private labelNamed(name: string): Locator {
    return this.page.locator('.label-name', {
      hasText: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
    });
  }

  get activeEditor(): Locator {
    // Visible only: editors of other tabs (a diff editor shown before) stay in the DOM, hidden.
    return this.page.locator('.editor-group-container.active .editor-container .monaco-editor:visible').first();
  }

  /**
   * Selects the one occurrence of `text` in the active editor with the find widget (Ctrl+F, type,
   * Escape), as a user would before typing over or next to it.
   */
  async select(text: string): Promise<void> {
    await this.activeEditor.locator('.view-lines').click();
    await this.page.keyboard.press('Control+F');
    const find = this.activeEditor.locator('.find-widget.visible .find-part .input');
    await find.waitFor();
    // The widget keeps the last search and its count: clear it first, so that "1 of 1" below is
    // the count of this search and not a stale one of the last.
    const count = this.activeEditor.locator('.find-widget .matchesCount');
    await find.fill('');
    await count.filter({ hasText: /^(No results)?$/ }).waitFor({ state: 'attached' });
    await find.fill(text);
    // Finding as you type already selects the match; Enter here would only find it again.
    await count.filter({ hasText: /^1 of 1$/ }).waitFor();
    await this.page.keyboard.press('Escape');
    await this.activeEditor.locator('.find-widget.visible').waitFor({ state: 'hidden' });
    // Keys pressed before the editor's text input has the focus back would go to the closing widget.
    await this.page.waitForFunction(`(() => {
      const active = document.activeElement;
      return !!active?.closest('.editor-group-container.active .monaco-editor') && !active.closest('.find-widget');
    })()`);
    // The workbench clears the find input's context key in a blur handler deferred by a timeout, and
    // Chromium runs queued key events before timers: an Enter pressed now could still be taken by the
    // find widget's "next match" and select the match again. Let the timers queued so far run first.
    await this.page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
    // And the editor holds the match as its selection (the status bar counts selected characters).
    await this.page.locator('.statusbar-item', { hasText: `(${text.length} selected)` }).waitFor();
  }

  /** Keys as typed by a person (the editor's auto-closing and auto-indent apply). */
  async press(...keys: string[]): Promise<void> {
    for (const key of keys) await this.page.keyboard.press(key);
  }

  async type(text: string): Promise<void> {
    await this.page.keyboard.type(text);
  }

  /** Ctrl+S in the active editor; resolves once its tab no longer shows unsaved changes. */
  async save(name: string): Promise<void> {
    await this.page.keyboard.press('Control+S');
    await this.activeTab(name).and(this.page.locator(':not(.dirty)')).waitFor();
  }

  /** A notification toast whose message matches `text`. */
  notification(text: RegExp): Locator {
    return this.page.locator('.notifications-toasts .notification-toast', { hasText: text });
  }

  /** Saves a PNG of the whole window; returns its path. */
  async screenshot(name: string): Promise<string> {
    const path = join(this.screenshotsDir, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }
}
