// The app started from the debugger, as users start it (a `node` launch configuration, F5): the
// extension preloads the agent, breakpoints in the TypeScript source bind to the version each
// load brings, and a save while the app is paused waits for the resume.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';

import { DebugAdapterMessages, type DapEvent } from './debug-adapter-messages';
import { editAndSave, extensionId, nextPatch, waitFor, type HotpatchApi } from './helpers';

/** greeting.ts as the second version: three lines more above `greet` than the first. */
const VERSION_2 = `export const vsn = '2';

// Three lines added above greet move it: a breakpoint in it must bind
// to this version's line in its compiled code, not to the line the
// first version's compiled code has there.
export function greet(name: string): string {
  const greeting = \`Howdy, \${name}!\`;
  return greeting;
}
`;
/** The 0-based line of `const greeting` in VERSION_2. */
const BREAKPOINT_LINE = 6;

suite('debugging an app started from VS Code', function () {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const workspace = folder?.uri.fsPath ?? '';
  const greetingUri = vscode.Uri.file(join(workspace, 'src', 'greeting.ts'));
  const discoveryDir = mkdtempSync(join(tmpdir(), 'hotpatch-e2e-debug-discovery-'));
  const messages = new DebugAdapterMessages();
  let api: HotpatchApi;
  let session: vscode.DebugSession | undefined;
  let original = '';
  let baseUrl = '';
  let pid = 0;
  /** The request paused at the breakpoint, answered once the app resumes. */
  let pausedRequest: Promise<string> | undefined;
  let stopped: DapEvent | undefined;

  suiteSetup(async function () {
    assert.ok(folder, 'a workspace folder is open');
    const ext = vscode.extensions.getExtension<HotpatchApi>(extensionId);
    assert.ok(ext, `${extensionId} is installed`);
    api = await ext.activate();
    original = (await vscode.workspace.openTextDocument(greetingUri)).getText();
    // The launch passes this folder to the app, and the language server watches it.
    await vscode.workspace
      .getConfiguration('hotpatch')
      .update('discoveryDir', discoveryDir, vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    if (session) await vscode.debug.stopDebugging(session);
    const document = await vscode.workspace.openTextDocument(greetingUri);
    if (document.getText() !== original) await editAndSave(document, () => original);
    await vscode.workspace
      .getConfiguration('hotpatch')
      .update('discoveryDir', undefined, vscode.ConfigurationTarget.Global);
    messages.dispose();
    rmSync(discoveryDir, { recursive: true, force: true });
  });

  test('a node launch configuration started from the debugger gets the agent, and the tree shows the app', async () => {
    const started = new Promise<vscode.DebugSession>((resolve) => {
      const subscription = vscode.debug.onDidStartDebugSession((s) => {
        subscription.dispose();
        resolve(s);
      });
    });
    // What a user's launch.json holds: nothing of Hotpatch in it.
    const launched = await vscode.debug.startDebugging(folder, {
      type: 'node',
      request: 'launch',
      name: 'counter-app',
      program: '${workspaceFolder}/dist/main.js',
      env: { PORT: '0' },
      outputCapture: 'std',
    });
    assert.equal(launched, true, 'the debug session starts');
    session = await started;
    const appListening = /counter-app listening on (http:\/\/127\.0\.0\.1:\d+\/)/;
    await messages.next('the app listening', () => appListening.test(messages.output()));
    baseUrl = appListening.exec(messages.output())![1]!;
    // The agent's own line, printed once its port is open (after the app's).
    await messages.next('the agent started in the app', () =>
      /\[hotpatch\] agent for counter-app listening on ws:/.test(messages.output()),
    );

    const agent = await waitFor(api, 'the debugged app connected in the tree', async () => {
      await api.refresh();
      return api
        .agents()
        .find((a) => a.state === 'connected' && a.modules.some((m) => m.file.endsWith('/dist/greeting.js')));
    });
    pid = agent.info!.pid;
    assert.ok(pid > 0);
  });

  test('a breakpoint in the TypeScript source hits in the hot-loaded version, at its line', async () => {
    assert.ok(pid, 'the app runs');
    const document = await vscode.workspace.openTextDocument(greetingUri);
    await vscode.window.showTextDocument(document);
    const loaded = nextPatch(api, greetingUri);
    await editAndSave(document, () => VERSION_2);
    const report = await loaded;
    assert.equal(report.outcome, 'loaded', report.lines.join('\n'));

    const since = messages.events.length;
    vscode.debug.addBreakpoints([
      new vscode.SourceBreakpoint(new vscode.Location(greetingUri, new vscode.Position(BREAKPOINT_LINE, 0))),
    ]);
    // Bound to the hot version's script through its own source map (the first version has no line 7).
    await messages.next('the breakpoint bound', isVerified, since, 30_000);
    pausedRequest = fetch(new URL('/greet?name=bea', baseUrl)).then((r) => r.text());
    stopped = await messages.next('a stop at the breakpoint', (e) => e.event === 'stopped', since, 20_000);
    assert.equal(stopped.body.reason, 'breakpoint', JSON.stringify(stopped.body));
    const trace = (await stopped.session.customRequest('stackTrace', {
      threadId: stopped.body.threadId,
      levels: 1,
    })) as { stackFrames: { name: string; line: number; source?: { path?: string } }[] };
    const top = trace.stackFrames[0]!;
    // In code-server the adapter names the file by its remote URI.
    const path = top.source?.path ?? '';
    assert.equal(path.includes('://') ? vscode.Uri.parse(path).path : path, greetingUri.path, JSON.stringify(top));
    assert.equal(top.line, BREAKPOINT_LINE + 1, JSON.stringify(top));
    // The new version's code is what runs there: its local is in scope, not yet assigned.
    const local = (await stopped.session.customRequest('evaluate', {
      expression: 'typeof greeting',
      frameId: (trace.stackFrames[0] as unknown as { id: number }).id,
      context: 'watch',
    })) as { result: string };
    assert.match(local.result, /undefined/);
  });

  test('a save while the app is paused waits, shown as queued, and goes live on resume', async () => {
    assert.ok(stopped && pausedRequest, 'the app is paused at the breakpoint');
    const document = await vscode.workspace.openTextDocument(greetingUri);
    const queued = nextPatch(api, greetingUri);
    await editAndSave(document, (text) =>
      text.replace("export const vsn = '2';", "export const vsn = '3';").replace('`Howdy, ${name}!`', '`Hi, ${name}!`'),
    );
    const waiting = await queued;
    assert.equal(waiting.outcome, 'queued', waiting.lines.join('\n'));
    assert.match(waiting.lines.join('\n'), new RegExp(`pid ${pid}\\b.*paused in the debugger`));
    // The tree shows the app paused, with what that means for saves.
    const appRow = (shown: RegExp) => async () =>
      (await api.treeItems()).find(
        (item) => item.kind === 'app' && item.description?.startsWith(`pid ${pid} `) && shown.test(item.description),
      );
    const paused = await waitFor(api, 'the app row showing it paused', appRow(/paused in the debugger/));
    assert.equal(paused.icon, 'debug-pause');

    const loaded = nextPatch(api, greetingUri);
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    await stopped.session.customRequest('continue', { threadId: stopped.body.threadId });
    // The paused request finishes in the code it was paused in; the held save loads after.
    assert.equal(await pausedRequest, 'Howdy, bea!\n');
    const report = await loaded;
    assert.equal(report.outcome, 'loaded', report.lines.join('\n'));
    const response = await fetch(new URL('/greet?name=cy', baseUrl));
    assert.equal(await response.text(), 'Hi, cy!\n');
    await waitFor(api, 'the app row showing it connected again', appRow(/· connected$/));
  });
});

/** A breakpoint bound: in the answer to setBreakpoints, or in a later `breakpoint` event. */
function isVerified(event: DapEvent): boolean {
  if (event.event === 'breakpoint') return (event.body.breakpoint as { verified?: boolean }).verified === true;
  if (event.event !== 'response:setBreakpoints') return false;
  return (event.body.breakpoints as { verified?: boolean }[]).some((b) => b.verified === true);
}
