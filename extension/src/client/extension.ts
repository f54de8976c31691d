/**
 * The VS Code client: starts the Hotpatch language server (extension/dist/server.js, over IPC)
 * and adds what only VS Code shows: the "Live Modules" tree, the commands, state and source
 * documents, diffs, the status bar item and the output channel. Hot loading on save, the
 * state-type diagnostics and the migration prompt come from the server, as in any editor.
 *
 * Activation (package.json): on opening a TypeScript or JavaScript file, on the view and on the
 * commands. A save can only be hot-loaded from an open editor, so `onLanguage` starts the server
 * exactly when it can matter. `workspaceContains` (say, on a tsconfig.json) would miss plain
 * JavaScript apps, and the discovery folder that says an app runs lies outside the workspace,
 * where `workspaceContains` cannot look; `onStartupFinished` would start a server in every window.
 */
import * as vscode from 'vscode';
import {
  LanguageClient,
  MessageType,
  RevealOutputChannelOn,
  ShowMessageRequest,
  State,
  TransportKind,
  type MessageActionItem,
  type ServerOptions,
  type ShowMessageRequestParams,
} from 'vscode-languageclient/node';
import * as ext from '../shared/lsp-extensions';
import { registerCommands, showError } from './commands';
import { SOURCE_SCHEME, STATE_SCHEME, SourceDocuments, StateDocuments } from './documents';
import { LiveModulesProvider, type TreeItemSnapshot, type TreeNode } from './live-modules';
import { migrateLoadOnSave, SECTION, SERVER_SETTINGS, serverSettings } from './settings';
import { AgentTokens } from './agent-tokens';
import { registerSetupWorkspace } from './setup-workspace';
import { HotpatchStatus } from './status';
import { registerAgentLaunch } from './debug/agent-launch';
import { registerPausedApps } from './debug/paused-apps';
import { registerDebugTerminalAgent } from './debug/debug-terminal';
import { errorMessage } from '../shared/error-message';

export type { PatchReport, TreeAgent } from '../shared/lsp-extensions';
export type { TreeItemSnapshot, TreeNode } from './live-modules';

/** What `activate()` returns: for tests, and for other extensions through `getExtension().exports`. */
export interface HotpatchApi {
  /** The language client (the same object across restarts). */
  readonly client: LanguageClient;
  /** The "Live Modules" tree's data provider. */
  readonly tree: LiveModulesProvider;
  readonly treeView: vscode.TreeView<TreeNode>;
  readonly output: vscode.LogOutputChannel;
  /** True in restricted mode (untrusted workspace): nothing is loaded. */
  readonly restricted: boolean;
  /** The last `hotpatch/patched` report, of any outcome. */
  lastPatch(): ext.PatchReport | undefined;
  /** Fires on every `hotpatch/patched` report (after each save or hot-load the server handled). */
  readonly onDidPatch: vscode.Event<ext.PatchReport>;
  /** Fires after each read of the tree from the server, with the new model. */
  readonly onDidChangeTree: vscode.Event<readonly ext.TreeAgent[]>;
  /** The ids of the Live Modules nodes each refresh redrew; undefined when it redrew the whole tree. */
  readonly onDidRedrawTree: vscode.Event<readonly string[] | undefined>;
  /** The live model as last read. */
  agents(): readonly ext.TreeAgent[];
  /** Reads the tree from the server now. */
  refresh(): Promise<void>;
  /** Every tree item, fully expanded, as plain data (label, description, tooltip, contextValue, icon). */
  treeItems(): Promise<TreeItemSnapshot[]>;
  /** Resolves once the language server runs (again, after a settings change or a restart). */
  whenRunning(): Promise<void>;
}

/** The languages of the files a module can be made of: JSON too, as CommonJS requires it (engine/json-module.ts). */
const LANGUAGES = ['typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'json'];

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<HotpatchApi> {
  const output = vscode.window.createOutputChannel('Hotpatch', { log: true });
  context.subscriptions.push(output);
  let restricted = !vscode.workspace.isTrusted;

  // Restarts the server when a stored token changes (restartServer is defined below, before any can).
  const tokens = new AgentTokens(context.secrets, output, () => void restartServer('an agent token changed'));
  context.subscriptions.push(tokens);
  const server = context.asAbsolutePath('extension/dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: server, transport: TransportKind.ipc },
    debug: { module: server, transport: TransportKind.ipc },
  };
  const languageClient = new LanguageClient('hotpatch', 'Hotpatch', serverOptions, {
    documentSelector: LANGUAGES.map((language) => ({ scheme: 'file', language })),
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    // A function: read again at every (re)start, so a settings change or granted trust takes effect.
    initializationOptions: () => serverSettings(vscode.workspace.isTrusted, (url) => tokens.tokenFor(url)),
  });
  client = languageClient;

  const tree = new LiveModulesProvider({
    fetch: async () =>
      languageClient.state === State.Running ? (await languageClient.sendRequest(ext.treeRequest)).agents : undefined,
  });
  const treeView = vscode.window.createTreeView('hotpatch.liveModules', {
    treeDataProvider: tree,
    showCollapseAll: true,
  });
  const status = new HotpatchStatus();
  const states = new StateDocuments(languageClient);
  const sources = new SourceDocuments(languageClient);
  const onDidPatch = new vscode.EventEmitter<ext.PatchReport>();
  let lastPatch: ext.PatchReport | undefined;
  context.subscriptions.push(tree, treeView, status, states, onDidPatch);

  const showRestricted = () => {
    status.restricted = restricted;
    treeView.message = restricted
      ? 'Restricted mode: saves are not hot-loaded and load, roll back and purge are off. Trust the workspace to use them.'
      : undefined;
  };
  showRestricted();

  tree.onDidRefresh((agents) => {
    status.agents = agents;
    states.refreshOpen();
    void vscode.commands.executeCommand(
      'setContext',
      'hotpatch.appsConnected',
      agents.some((a) => a.state === 'connected'),
    );
  });

  languageClient.onNotification(ext.treeChanged, () => tree.changed());
  languageClient.onNotification(ext.patched, (report) => {
    lastPatch = report;
    status.patched(report);
    onDidPatch.fire(report);
    if (report.outcome === 'loaded') void vscode.commands.executeCommand('setContext', 'hotpatch.patched', true);
  });
  // The server's error messages (a failed load) get a "Show output" button; prompts with choices pass through.
  languageClient.onRequest(ShowMessageRequest.type, async (params: ShowMessageRequestParams) => {
    const actions: MessageActionItem[] = params.actions ?? [];
    if (params.type === MessageType.Error && actions.length === 0) {
      await showError(params.message, output);
      return null;
    }
    const show =
      params.type === MessageType.Error
        ? vscode.window.showErrorMessage
        : params.type === MessageType.Warning
          ? vscode.window.showWarningMessage
          : vscode.window.showInformationMessage;
    return (await show(params.message, ...actions)) ?? null;
  });

  let running: Promise<void> | undefined;
  let markRunning: (() => void) | undefined;
  const whenRunning = () =>
    languageClient.state === State.Running
      ? Promise.resolve()
      : (running ??= new Promise<void>((resolve) => (markRunning = resolve)));
  context.subscriptions.push(
    languageClient.onDidChangeState(({ newState }) => {
      status.running = newState === State.Running;
      if (newState === State.Running) {
        markRunning?.();
        running = markRunning = undefined;
        void tree.refresh();
      } else if (newState === State.Stopped) {
        tree.clear();
      }
    }),
  );

  // Start and restart one at a time: a burst of settings changes restarts once.
  let lifecycle: Promise<void> = Promise.resolve();
  let restartTimer: NodeJS.Timeout | undefined;
  const restartServer = (reason: string): Promise<void> => {
    lifecycle = lifecycle.then(async () => {
      output.info(`restarting the language server: ${reason}`);
      try {
        if (languageClient.needsStop()) await languageClient.stop();
        await tokens.load();
        await languageClient.start();
      } catch (error) {
        reportStartFailure(error, output);
      }
    });
    return lifecycle;
  };
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!SERVER_SETTINGS.some((setting) => event.affectsConfiguration(setting))) return;
      clearTimeout(restartTimer);
      restartTimer = setTimeout(() => void restartServer(`${SECTION} settings changed`), 300);
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      restricted = false;
      showRestricted();
      void restartServer('the workspace is trusted now');
    }),
    { dispose: () => clearTimeout(restartTimer) },
    vscode.workspace.registerTextDocumentContentProvider(STATE_SCHEME, states),
    vscode.workspace.registerTextDocumentContentProvider(SOURCE_SCHEME, sources),
    ...registerSetupWorkspace(output),
    ...registerAgentLaunch({ output }),
    ...registerDebugTerminalAgent(context),
    ...registerPausedApps({
      output,
      changed: (pid, paused) => {
        if (languageClient.state !== State.Running) return;
        void languageClient.sendNotification(ext.debuggerPausedNotification, { pid, paused });
      },
    }),
    ...registerCommands({
      client: languageClient,
      tree,
      states,
      sources,
      output,
      restartServer: () => restartServer('restart requested'),
    }),
  );

  if (restricted) {
    output.warn(
      'Restricted mode: the tree is shown, but saves are not hot-loaded and load, roll back and purge are off.',
    );
  }
  lifecycle = lifecycle.then(async () => {
    try {
      await migrateLoadOnSave(output);
      await tokens.load();
      await languageClient.start();
      output.info(
        `language server started (${server}); settings: ${JSON.stringify(redacted((url) => tokens.tokenFor(url)))}`,
      );
    } catch (error) {
      reportStartFailure(error, output);
    }
  });
  await lifecycle;

  return {
    client: languageClient,
    tree,
    treeView,
    output,
    get restricted() {
      return restricted;
    },
    lastPatch: () => lastPatch,
    onDidPatch: onDidPatch.event,
    onDidChangeTree: tree.onDidRefresh,
    onDidRedrawTree: tree.onDidRedraw,
    agents: () => tree.agents(),
    refresh: () => tree.refresh(),
    treeItems: () => tree.snapshot(),
    whenRunning,
  };
}

export async function deactivate(): Promise<void> {
  const stopping = client;
  client = undefined;
  if (stopping?.needsStop()) await stopping.stop();
}

/** The settings as sent, without the agents' tokens. */
function redacted(storedToken: (url: string) => string | undefined) {
  const settings = serverSettings(vscode.workspace.isTrusted, storedToken);
  return { ...settings, agents: settings.agents?.map((a) => ({ url: a.url, token: '…' })) };
}

/** Logs and shows the failure without waiting for the user: activation must not hang on a notification. */
function reportStartFailure(error: unknown, output: vscode.LogOutputChannel): void {
  const message = errorMessage(error);
  output.error(`the language server did not start: ${message}`);
  void showError(`Hotpatch: the language server did not start: ${message}`, output);
}
