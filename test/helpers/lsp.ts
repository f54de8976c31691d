/**
 * The real language server over stdio, driven by vscode-languageserver-protocol's client
 * side of the connection (the library vscode-languageclient itself is built on).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  InitializeRequest,
  InitializedNotification,
  ShutdownRequest,
  ExitNotification,
  StreamMessageReader,
  StreamMessageWriter,
  DidOpenTextDocumentNotification,
  DidSaveTextDocumentNotification,
  LogMessageNotification,
  DidChangeTextDocumentNotification,
  PublishDiagnosticsNotification,
  ShowMessageRequest,
  ShowDocumentRequest,
  ApplyWorkspaceEditRequest,
  TextDocumentSaveReason,
  WillSaveTextDocumentNotification,
  type ApplyWorkspaceEditParams,
  type ShowDocumentParams,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type ShowMessageRequestParams,
  type MessageActionItem,
} from 'vscode-languageserver-protocol/node';
import * as ext from '../../extension/src/shared/lsp-extensions';
import { repoRoot } from './paths';
import { waitFor } from './wait';

export class LspSession {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  readonly reports: ext.PatchReport[] = [];
  readonly prompts: ShowMessageRequestParams[] = [];
  /** How the test answers the next migration prompt. */
  answer: (params: ShowMessageRequestParams) => MessageActionItem | null = () => null;
  treeChanges = 0;
  /** workspace/applyEdit requests (all applied) and window/showDocument requests, in order. */
  readonly appliedEdits: ApplyWorkspaceEditParams[] = [];
  readonly shownDocuments: ShowDocumentParams[] = [];
  /** window/logMessage lines: the server's transaction log. */
  readonly log: string[] = [];
  stderr = '';

  private constructor(
    readonly child: ChildProcess,
    readonly connection: ProtocolConnection,
  ) {}

  static async start(
    discoveryDir: string,
    options: Record<string, unknown> = {},
    env: NodeJS.ProcessEnv = {},
  ): Promise<LspSession> {
    const child = spawn(process.execPath, [join(repoRoot, 'extension', 'dist', 'server.js'), '--stdio'], {
      env: { ...process.env, HOTPATCH_DISCOVERY_DIR: discoveryDir, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const connection = createProtocolConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    const session = new LspSession(child, connection);
    child.stderr!.on('data', (chunk: Buffer) => (session.stderr += chunk.toString()));
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      session.diagnostics.set(p.uri, p);
    });
    connection.onNotification(ext.patched, (report) => {
      session.reports.push(report);
      session.#waiters.get(report.uri)?.(report);
    });
    connection.onNotification(LogMessageNotification.type, (m) => {
      session.log.push(m.message);
    });
    connection.onNotification(ext.treeChanged, () => {
      session.treeChanges++;
    });
    connection.onRequest(ShowMessageRequest.type, (params) => {
      session.prompts.push(params);
      return session.answer(params);
    });
    connection.onRequest(ApplyWorkspaceEditRequest.type, (params) => {
      session.appliedEdits.push(params);
      return { applied: true };
    });
    connection.onRequest(ShowDocumentRequest.type, (params) => {
      session.shownDocuments.push(params);
      return { success: true };
    });
    connection.listen();
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      capabilities: { workspace: { applyEdit: true }, window: { showDocument: { support: true } } },
      initializationOptions: { debounceMs: 0, ...options },
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return session;
  }

  /** Waits until the server's live model shows `agents` connected agents with `file` loaded. */
  async waitForModule(file: string, agents = 1): Promise<void> {
    await waitFor(`the language server to see ${file} in ${agents} agent(s)`, async () => {
      const tree = await this.connection.sendRequest(ext.treeRequest);
      const running = tree.agents.filter(
        (a) => a.state === 'connected' && a.modules.some((m) => m.file === file || m.sources.includes(file)),
      );
      return running.length === agents;
    });
  }

  readonly #versions = new Map<string, number>();
  /** Resolvers of saves waiting for their report, by uri (the report is an event: no polling). */
  readonly #waiters = new Map<string, (report: ext.PatchReport) => void>();

  async open(file: string, text: string): Promise<void> {
    const uri = pathToFileURL(file).href;
    this.#versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'typescript', version: 1, text },
    });
  }

  /** Edits the open document to `text` without saving it. */
  async change(file: string, text: string): Promise<void> {
    const uri = pathToFileURL(file).href;
    const version = (this.#versions.get(uri) ?? 1) + 1;
    this.#versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
  }

  /** Edits the open document to `text` and saves it, as an editor does; waits for the server's patch report. */
  async save(file: string, text: string): Promise<ext.PatchReport> {
    const uri = pathToFileURL(file).href;
    const version = (this.#versions.get(uri) ?? 1) + 1;
    this.#versions.set(uri, version);
    let timer: NodeJS.Timeout | undefined;
    const reported = new Promise<ext.PatchReport>((resolve, reject) => {
      this.#waiters.set(uri, resolve);
      timer = setTimeout(() => reject(new Error(`no patch report for ${file} within 15 s`)), 15_000);
    }).finally(() => {
      clearTimeout(timer);
      this.#waiters.delete(uri);
    });
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
    await this.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri }, text });
    return reported;
  }

  /**
   * A Save All as VS Code does it: each file's edits, then every file's willSave (with its
   * reason), then every didSave; waits for each file's report.
   */
  async saveAll(
    files: { file: string; text: string }[],
    reason: TextDocumentSaveReason = TextDocumentSaveReason.Manual,
  ): Promise<ext.PatchReport[]> {
    const uris = files.map(({ file }) => pathToFileURL(file).href);
    const reported = uris.map((uri) => this.#reportFor(uri));
    for (const [i, { text }] of files.entries()) await this.#change(uris[i]!, text);
    for (const uri of uris) {
      await this.connection.sendNotification(WillSaveTextDocumentNotification.type, { textDocument: { uri }, reason });
    }
    for (const [i, { text }] of files.entries()) {
      await this.connection.sendNotification(DidSaveTextDocumentNotification.type, {
        textDocument: { uri: uris[i]! },
        text,
      });
    }
    return Promise.all(reported);
  }

  /**
   * A save the server should not load (an auto-save, a save without changes, a mode that does not
   * load on save): resolves with the server's log line saying why it did not. `text` undefined:
   * saved without changes.
   */
  async saveNotLoaded(
    file: string,
    text: string | undefined,
    reason: TextDocumentSaveReason = TextDocumentSaveReason.Manual,
  ): Promise<string> {
    const uri = pathToFileURL(file).href;
    const logged = this.log.length;
    if (text !== undefined) await this.#change(uri, text);
    await this.connection.sendNotification(WillSaveTextDocumentNotification.type, { textDocument: { uri }, reason });
    await this.connection.sendNotification(DidSaveTextDocumentNotification.type, {
      textDocument: { uri },
      ...(text !== undefined ? { text } : {}),
    });
    return waitFor(`the server to say why it did not load ${file}`, () =>
      this.log.slice(logged).find((l) => l.includes(`not loading ${uri}`)),
    );
  }

  async #change(uri: string, text: string): Promise<void> {
    const version = (this.#versions.get(uri) ?? 1) + 1;
    this.#versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
  }

  /** The next report for `uri` (multiple waiters per uri). */
  #reportFor(uri: string): Promise<ext.PatchReport> {
    let timer: NodeJS.Timeout | undefined;
    return new Promise<ext.PatchReport>((resolve, reject) => {
      const previous = this.#waiters.get(uri);
      this.#waiters.set(uri, (report) => {
        previous?.(report);
        resolve(report);
      });
      timer = setTimeout(() => reject(new Error(`no patch report for ${uri} within 15 s`)), 15_000);
    }).finally(() => {
      clearTimeout(timer);
      this.#waiters.delete(uri);
    });
  }

  #stopped: Promise<void> | undefined;

  /** Shuts the server down; once, however many times it is called. */
  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  async #stop(): Promise<void> {
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    this.connection.dispose();
    if (this.child.exitCode === null) {
      await new Promise((resolve) => {
        this.child.once('exit', resolve);
        setTimeout(() => this.child.kill(), 2000).unref();
      });
    }
  }
}
