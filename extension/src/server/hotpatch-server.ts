/**
 * The language server: an LSP adapter over the engine. Any editor with an LSP client gets hot
 * loading on save, the state-type diagnostics and the migration prompt; custom messages
 * (shared/lsp-extensions.ts) feed richer clients such as the VS Code tree.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  DiagnosticSeverity,
  ErrorCodes,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type Diagnostic,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { AgentClient } from '../engine/agent-client';
import type { ModuleInfo } from 'hotpatch-agent/protocol';
import { AgentPool } from '../engine/agent-pool';
import type { LoadOutcome } from '../engine/hot-load';
import { RestartOffer } from './restart-offer';
import { MigrationActions } from './migration-actions';
import { patchReport } from './patch-report';
import { DebuggerPauses } from './debugger-pauses';
import {
  SavePipeline,
  type BatchOutcome,
  type FileSave,
  type StateChange,
  type StateTypes,
} from '../engine/save-pipeline';
import { createStateTypes } from '../engine/state-types-adapter';
import { warmOnFirstAgent } from './warm-up';
import { fileDiagnostic, loadErrorDiagnostics, stateChangeDiagnostic } from './diagnostics';
import { loadOnSaveMode, type LoadOnSave } from '../shared/load-on-save';
import { SaveScheduler } from './save-scheduler';
import * as ext from '../shared/lsp-extensions';
import { errorMessage } from '../shared/error-message';

/** Settings the client passes as initializationOptions (and later as configuration). */
export interface ServerSettings {
  discoveryDir?: string;
  agents?: { url: string; token: string }[];
  /** Milliseconds to wait after a save before loading; saves in between restart the wait. */
  debounceMs?: number;
  /** Which saves load (see SaveScheduler); `true` and `false`, its values before 0.2, mean `all` and `never`. */
  loadOnSave?: LoadOnSave | boolean;
  /** Whether auto-saves (after a delay, on a focus change) load too. Default false. */
  loadOnAutoSave?: boolean;
  /** Whether a failed load also raises an error notification (besides its diagnostic and the status bar). Default false. */
  notifyOnLoadFailure?: boolean;
  /** How long an agent may take to answer a request before the save (or command) is reported failed. Default 10000. */
  requestTimeoutMs?: number;
  /** Modules kept per agent in the live model; past it the rest are not shown. Default 10000. */
  maxModulesPerAgent?: number;
}

/** How long a save waits for agents still making their first connection. */
const CONNECTING_WAIT_MS = 3000;

export class HotpatchServer {
  readonly #documents = new TextDocuments(TextDocument);
  /** Each document's text as last opened or saved: a type file's previous types at its next save. */
  readonly #savedTexts = new Map<string, string>();
  /** A save waiting for its load: the text before it (the first of a burst of saves). */
  readonly #textsBeforeSave = new Map<string, string | undefined>();
  /** Each open document's version when it was last opened or saved: a save of another version wrote changes. */
  readonly #savedVersions = new Map<string, number>();
  #settings: ServerSettings = {};
  #saves: SaveScheduler<ext.PatchReport[]> | undefined;
  #pool: AgentPool | undefined;
  #pipeline: SavePipeline | undefined;
  #stateTypes: StateTypes | undefined;
  /** Whether the client handles window/showDocument (LSP 3.16), used to reveal a generated migration. */
  #canShowDocument = false;
  /** A treeChanged notification is due at the end of this turn (#treeChanged). */
  #treeChangePending = false;
  readonly #restartOffer: RestartOffer;
  readonly #migrations: MigrationActions;
  /** The held files of apps that resumed, loaded together as one release (as they were saved). */
  readonly #resumed = new Set<string>();
  readonly #pauses = new DebuggerPauses((uri) => {
    if (this.#resumed.size === 0) {
      queueMicrotask(() => {
        const uris = [...this.#resumed];
        this.#resumed.clear();
        void this.#saves?.run(uris);
      });
    }
    this.#resumed.add(uri);
  });

  /** Whether the client has initialized the server. */
  initialized = false;
  #firstLoaded: () => void = () => undefined;
  /** Resolves once a save was loaded into an app (the server's code cache is made again then: launch.ts). */
  readonly firstLoad = new Promise<void>((resolve) => (this.#firstLoaded = resolve));

  constructor(readonly connection: Connection) {
    this.#restartOffer = new RestartOffer(connection);
    this.#migrations = new MigrationActions({
      connection,
      documents: this.#documents,
      stateTypes: () => this.#stateTypes,
      pipeline: () => this.#pipeline,
      canShowDocument: () => this.#canShowDocument,
      textOf: (uri) => this.#textOf(uri),
    });
    this.#documents.listen(connection);
    connection.onInitialize((params) => {
      this.#canShowDocument = params.capabilities.window?.showDocument?.support === true;
      const result = this.#initialize(params.initializationOptions as ServerSettings | undefined);
      this.initialized = true;
      return result;
    });
    connection.onShutdown(() => this.dispose());
    this.#documents.onDidOpen(({ document }) => {
      this.#savedTexts.set(document.uri, document.getText());
      this.#savedVersions.set(document.uri, document.version);
      this.#warmFirstSave(document.uri);
    });
    this.#documents.onDidChangeContent(({ document }) => this.#readAhead(document.uri));
    this.#documents.onDidClose(({ document }) => {
      this.#savedVersions.delete(document.uri);
      if (document.uri.startsWith('file:')) this.#pipeline?.closed(fileURLToPath(document.uri));
    });
    this.#documents.onWillSave(({ document, reason }) => this.#saves?.willSave(document.uri, reason));
    this.#documents.onDidSave(({ document }) => {
      if (!this.#textsBeforeSave.has(document.uri)) {
        this.#textsBeforeSave.set(document.uri, this.#savedTexts.get(document.uri));
      }
      this.#savedTexts.set(document.uri, document.getText());
      const dirty = this.#savedVersions.get(document.uri) !== document.version;
      this.#savedVersions.set(document.uri, document.version);
      this.#saves?.didSave(document.uri, dirty);
    });
    connection.onNotification(ext.debuggerPausedNotification, ({ pid, paused }) => {
      this.#pool?.setDebuggerPaused(pid, paused);
      this.#pauses.set(pid, paused);
      this.#treeChanged();
    });
    connection.onCodeAction((params) =>
      this.#migrations.codeActions(params.textDocument.uri, params.context.diagnostics),
    );
    connection.onRequest(ext.treeRequest, () => ({ agents: this.#tree() }));
    connection.onRequest(ext.loadRequest, async ({ uri }) => {
      const reports = await this.#saves!.loadNow(uri);
      return reports.find((r) => r.uri === uri) ?? reports[0]!;
    });
    connection.onRequest(ext.rollbackRequest, (target) =>
      this.#moduleAction(target, 'rollback', (client) => client.rollback({ files: [target.file] })),
    );
    connection.onRequest(ext.purgeRequest, (target) =>
      this.#moduleAction(target, target.soft ? 'soft purge' : 'purge', (client) =>
        target.soft ? client.softPurge(target.file) : client.purge(target.file),
      ),
    );
    connection.onRequest(ext.processStateRequest, async ({ pid, process }) => ({
      state: (await this.#client(pid).getState(process)).state,
    }));
    connection.onRequest(ext.processSysRequest, ({ pid, process, action }) => {
      if (action === 'suspend') return this.#client(pid).suspend(process);
      if (action === 'resume') return this.#client(pid).resume(process);
      throw new ResponseError(ErrorCodes.InvalidParams, `action must be 'suspend' or 'resume', not ${String(action)}`);
    });
    connection.onRequest(ext.processStatusRequest, ({ pid, process }) => this.#client(pid).status(process));
    connection.onRequest(ext.sourceRequest, async ({ pid, file, version }) => ({
      source: (await this.#client(pid).source(file, version)).source,
    }));
    connection.onRequest(ext.migrationPreviewRequest, async ({ uri }) => {
      const file = fileURLToPath(uri);
      const text = this.#documents.get(uri)?.getText() ?? (await readFile(file, 'utf8'));
      return { plans: await this.#pipeline!.preview(file, text) };
    });
  }

  #client(pid: number): AgentClient {
    const client = this.#clients().find((c) => c.info.pid === pid);
    if (!client) throw new ResponseError(ErrorCodes.InvalidParams, `no connected agent with pid ${pid}`);
    return client;
  }

  async #moduleAction(
    target: ext.ModuleTarget,
    what: string,
    run: (client: AgentClient) => Promise<unknown>,
  ): Promise<ext.PatchReport> {
    const uri = pathToFileURL(target.file).href;
    try {
      await run(this.#client(target.pid));
      const report: ext.PatchReport = {
        uri,
        outcome: 'loaded',
        lines: [`${what} of ${target.file} in pid ${target.pid} done`],
      };
      this.connection.console.log(`[hotpatch] ${report.lines[0]}`);
      return report;
    } catch (error) {
      const message = errorMessage(error);
      this.connection.console.log(`[hotpatch] ${what} of ${target.file} failed: ${message}`);
      return { uri, outcome: 'failed', lines: [message] };
    }
  }

  #initialize(settings: ServerSettings | undefined): InitializeResult {
    this.#settings = { ...this.#settings, ...settings };
    const mode = loadOnSaveMode(this.#settings.loadOnSave);
    this.#saves = new SaveScheduler({
      mode,
      loadOnAutoSave: this.#settings.loadOnAutoSave === true,
      debounceMs: Math.max(0, this.#settings.debounceMs ?? 20),
      load: (uris) => this.#load(uris),
      log: (message) => this.connection.console.log(`[hotpatch] ${message}`),
    });
    this.#stateTypes = createStateTypes();
    this.#pool = new AgentPool({
      ...(this.#settings.discoveryDir ? { discoveryDir: this.#settings.discoveryDir } : {}),
      explicitAgents: this.#settings.agents ?? [],
      requestTimeoutMs: this.#settings.requestTimeoutMs,
      maxModulesPerAgent: this.#settings.maxModulesPerAgent,
      log: (message) => this.connection.console.log(`[hotpatch] ${message}`),
    });
    this.#pool.on('changed', () => this.#treeChanged());
    warmOnFirstAgent(this.#pool, this.#stateTypes, (message) => this.connection.console.log(`[hotpatch] ${message}`));
    // The files open when an app connects are the ones its first saves are likeliest to be of.
    this.#pool.on('agentConnected', () => {
      for (const document of this.#documents.all()) this.#warmFirstSave(document.uri);
    });
    this.#pool.start();
    this.#pipeline = new SavePipeline({
      clients: () => this.#clients(),
      modulesOf: (client) => this.#modulesOf(client),
      stateTypes: this.#stateTypes,
      log: (message) => this.connection.console.log(`[hotpatch] ${message}`),
      onReadAhead: (file, agents, prepared) =>
        void this.connection.sendNotification(ext.readAhead, { uri: pathToFileURL(file).href, agents, prepared }),
    });
    return {
      capabilities: {
        // willSave: its reason tells an auto-save from one the user asked for.
        textDocumentSync: {
          openClose: true,
          change: TextDocumentSyncKind.Incremental,
          willSave: true,
          save: { includeText: true },
        },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: 'hotpatch', version: '0.1.0' },
    };
  }

  /** An edit of an open file, not yet saved: its next version is read ahead in the apps (engine/read-ahead.ts). */
  /**
   * Tells the client the tree changed: once for the changes of one turn (a save into 16
   * instances of an app changes 16 modules at once, each a notification the client had to read).
   */
  #treeChanged(): void {
    if (this.#treeChangePending) return;
    this.#treeChangePending = true;
    setImmediate(() => {
      this.#treeChangePending = false;
      void this.connection.sendNotification(ext.treeChanged);
    });
  }

  #readAhead(uri: string): void {
    const document = this.#documents.get(uri);
    if (!document || !uri.startsWith('file:') || !this.#pipeline) return;
    // Fired for the opened or saved text too: that one is not a next version.
    if (this.#savedVersions.get(uri) === document.version) return;
    if (loadOnSaveMode(this.#settings.loadOnSave) === 'never') return;
    this.#pipeline.changed(fileURLToPath(uri), document.getText());
  }

  /** What the first save of an open file runs, warmed ahead of it (engine/first-save-warm-up.ts), unless saves load nothing. */
  #warmFirstSave(uri: string): void {
    const document = this.#documents.get(uri);
    if (!document || !uri.startsWith('file:') || !this.#pipeline) return;
    if (loadOnSaveMode(this.#settings.loadOnSave) === 'never') return;
    void this.#pipeline.warm(fileURLToPath(uri), document.getText());
  }

  #clients(): AgentClient[] {
    return this.#pool?.connectedClients() ?? [];
  }

  #tree(): ext.TreeAgent[] {
    return (this.#pool?.agents() ?? []).map((agent) =>
      agent.info && this.#pauses.isPaused(agent.info.pid) ? { ...agent, pausedInDebugger: true } : agent,
    );
  }

  /**
   * Loads the files as one release (see SavePipeline.onSaves) and reports each: a diagnostic on
   * what failed and the `hotpatch/patched` report the status bar shows; a notification only with
   * `notifyOnLoadFailure`, once for the release.
   */
  async #load(uris: string[]): Promise<ext.PatchReport[]> {
    let reports: ext.PatchReport[];
    let loaded: LoadOutcome[] = [];
    let released = uris;
    try {
      // An app that has just started (or restarted) is still being connected to: the save is
      // for it too, so wait for it, a little.
      const connecting = this.#pool?.connecting() ?? [];
      if (connecting.length > 0) {
        this.connection.console.log(`[hotpatch] waiting for ${connecting.join(', ')} to connect before loading`);
        const late = await this.#pool!.whenConnected(CONNECTING_WAIT_MS);
        if (late.length > 0) this.connection.console.log(`[hotpatch] loading without ${late.join(', ')}`);
      }
      // An app paused in the debugger runs no JavaScript: the files wait for it (debugger-pauses.ts).
      const files = uris.map((uri) => fileURLToPath(uri));
      const paused = await this.#pauses.pausedRunning(this.#clients(), files, (client) => this.#modulesOf(client));
      if (paused.length > 0) return uris.map((uri) => this.#hold(uri, paused));
      const saves: FileSave[] = [];
      for (const uri of uris) {
        const file = fileURLToPath(uri);
        const text = this.#documents.get(uri)?.getText() ?? (await readFile(file, 'utf8'));
        saves.push({ file, text, previousText: this.#textsBeforeSave.get(uri) });
        this.#textsBeforeSave.delete(uri);
      }
      const outcomes = await this.#pipeline!.onSaves(saves, 'editor');
      // After the saves: those that waited for a migration one of them brings (SavePipeline.onSaves).
      released = outcomes.map((outcome, i) => uris[i] ?? pathToFileURL(outcome.file).href);
      reports = outcomes.map((outcome, i) => patchReport(released[i]!, outcome));
      if (released.length > 1) for (const report of reports) report.release = released;
      for (const [i, outcome] of outcomes.entries()) await this.#publish(released[i]!, outcome);
      this.#saves?.holdBack(uris.filter((_, i) => outcomes[i]!.kind === 'heldBack'));
      loaded = outcomes.flatMap((o) => (o.kind === 'loaded' ? o.outcomes : []));
    } catch (error) {
      const message = errorMessage(error);
      reports = uris.map((uri) => ({ uri, outcome: 'failed', lines: [message] }));
    }
    for (const report of reports) {
      const file = fileURLToPath(report.uri);
      this.connection.console.log(
        `[hotpatch] ${report.outcome} ${file}${report.ms ? ` in ${report.ms.toFixed(1)} ms` : ''}${
          released.length > 1 ? ` (one release of ${released.length} files)` : ''
        }\n  ${report.lines.join('\n  ')}`,
      );
      void this.connection.sendNotification(ext.patched, report);
    }
    if (loaded.length > 0) {
      void this.#restartOffer.after({ kind: 'loaded', file: '', outcomes: loaded, ms: 0 });
      this.#firstLoaded();
    }
    const failed = reports.filter((r) => r.outcome === 'failed');
    if (failed.length > 0 && this.#settings.notifyOnLoadFailure) {
      void this.connection.window.showErrorMessage(`Hotpatch: ${failed.flatMap((r) => r.lines).join('; ')}`);
    }
    return reports;
  }

  /** The modules the live model knows `client`'s app runs, if it knows them. */
  #modulesOf(client: AgentClient): readonly ModuleInfo[] | undefined {
    return this.#pool?.agents().find((a) => this.#pool?.client(a.id) === client)?.modules;
  }

  /** Holds the save of `uri` until the paused apps resume (see debugger-pauses.ts). */
  #hold(uri: string, pids: number[]): ext.PatchReport {
    this.#pauses.hold(uri);
    const apps = pids.map((pid) => {
      const name = this.#clients().find((c) => c.info.pid === pid)?.info.appName;
      return `${name ?? 'app'} (pid ${pid})`;
    });
    const report: ext.PatchReport = {
      uri,
      outcome: 'queued',
      lines: [`waiting: ${apps.join(', ')} paused in the debugger; the save loads when it resumes`],
    };
    this.connection.console.log(`[hotpatch] queued ${fileURLToPath(uri)}\n  ${report.lines[0]}`);
    void this.connection.sendNotification(ext.patched, report);
    return report;
  }

  /** Diagnostics for the save's outcome; the migration prompt when a state type changed. */
  async #publish(uri: string, outcome: BatchOutcome): Promise<void> {
    const diagnostics: Diagnostic[] = [];
    if (outcome.kind === 'syntaxError' && outcome.error.line !== undefined) {
      const line = outcome.error.line - 1;
      const character = (outcome.error.column ?? 1) - 1;
      diagnostics.push({
        range: { start: { line, character }, end: { line, character: character + 1 } },
        severity: DiagnosticSeverity.Error,
        source: 'hotpatch',
        message: `Not hot-loaded: ${outcome.error.message}`,
      });
    }
    if (outcome.kind === 'failed') diagnostics.push(...loadErrorDiagnostics(fileURLToPath(uri), outcome.outcomes));
    // A failure with no line of its own (an agent that did not answer, a file held back by
    // another) still goes on the file: the diagnostic is where a failed load is reported.
    if (
      (outcome.kind === 'failed' && diagnostics.length === 0) ||
      outcome.kind === 'heldBack' ||
      outcome.kind === 'bundled' ||
      outcome.kind === 'otherCompiler'
    ) {
      diagnostics.push(fileDiagnostic(patchReport(uri, outcome).lines));
    }
    // A type file's changes go on the modules importing it, where their migrations are written.
    const byFile = new Map<string, Diagnostic[]>([[uri, diagnostics]]);
    if (outcome.kind === 'migrationNeeded') {
      const changesByUri = new Map<string, StateChange[]>();
      for (const change of outcome.changes) {
        const changeUri = pathToFileURL(change.file).href;
        changesByUri.set(changeUri, [...(changesByUri.get(changeUri) ?? []), change]);
        const list = byFile.get(changeUri) ?? [];
        byFile.set(changeUri, list);
        list.push(stateChangeDiagnostic(change));
      }
      if (!changesByUri.has(uri)) this.#migrations.changes.delete(uri);
      for (const [changeUri, changes] of changesByUri) this.#migrations.changes.set(changeUri, changes);
    } else {
      this.#migrations.changes.delete(uri);
    }
    for (const [fileUri, list] of byFile) await this.connection.sendDiagnostics({ uri: fileUri, diagnostics: list });
    if (outcome.kind === 'migrationNeeded') void this.#migrations.prompt(outcome.changes);
  }

  /** The document's text in the editor, else on disk. */
  async #textOf(uri: string): Promise<string> {
    return this.#documents.get(uri)?.getText() ?? (await readFile(fileURLToPath(uri), 'utf8'));
  }

  dispose(): void {
    this.#saves?.dispose();
    this.#pipeline?.dispose();
    this.#pool?.dispose();
  }
}
