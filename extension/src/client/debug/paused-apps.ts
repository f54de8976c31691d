/**
 * Tells the language server when a debugger pauses or resumes an app. While a Node process is
 * paused at a breakpoint its event loop is stopped: the agent can neither load a save nor
 * answer a ping, so the server holds the save (shown as waiting) and loads it on resume.
 *
 * The paused process is known by its pid, asked once per debug session from the paused frame
 * (`process.pid`): debug adapters name their sessions as they like, but any of them evaluates.
 */
import * as vscode from 'vscode';
import { NODE_DEBUG_TYPES } from './agent-launch';

/** DAP requests after which the debuggee runs again (the adapter need not send `continued`). */
const RESUMING = new Set(['continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue', 'goto']);

interface DapMessage {
  type?: string;
  event?: string;
  command?: string;
  body?: { threadId?: number };
}

export interface PausedAppsOptions {
  /** The app with `pid` was paused (true) or runs again (false). */
  readonly changed: (pid: number, paused: boolean) => void;
  readonly output: vscode.LogOutputChannel;
}

export function registerPausedApps(options: PausedAppsOptions): vscode.Disposable[] {
  const tracker = new PausedApps(options);
  return [
    ...NODE_DEBUG_TYPES.map((type) => vscode.debug.registerDebugAdapterTrackerFactory(type, tracker)),
    vscode.debug.onDidTerminateDebugSession((session) => tracker.ended(session)),
  ];
}

class PausedApps implements vscode.DebugAdapterTrackerFactory {
  /** Debug session id → the pid of its process, once asked. */
  readonly #pids = new Map<string, Promise<number | undefined>>();
  readonly #paused = new Set<string>();

  constructor(readonly options: PausedAppsOptions) {}

  createDebugAdapterTracker(session: vscode.DebugSession): vscode.DebugAdapterTracker {
    return {
      onDidSendMessage: (message: DapMessage) => {
        if (message.type !== 'event') return;
        if (message.event === 'stopped') void this.#pause(session, message.body?.threadId);
        else if (message.event === 'continued') this.#resume(session);
      },
      onWillReceiveMessage: (message: DapMessage) => {
        if (message.type === 'request' && message.command && RESUMING.has(message.command)) this.#resume(session);
      },
      onExit: () => this.ended(session),
    };
  }

  ended(session: vscode.DebugSession): void {
    this.#resume(session);
    this.#pids.delete(session.id);
  }

  async #pause(session: vscode.DebugSession, threadId: number | undefined): Promise<void> {
    this.#paused.add(session.id);
    let pid = this.#pids.get(session.id);
    if (!pid) {
      pid = pidOf(session, threadId);
      this.#pids.set(session.id, pid);
    }
    const known = await pid;
    if (known === undefined) {
      this.#pids.delete(session.id);
      return;
    }
    // Resumed while the pid was being asked: nothing to hold.
    if (this.#paused.has(session.id)) this.options.changed(known, true);
  }

  #resume(session: vscode.DebugSession): void {
    if (!this.#paused.delete(session.id)) return;
    void this.#pids.get(session.id)?.then((pid) => {
      if (pid !== undefined) this.options.changed(pid, false);
    });
  }
}

/** The paused process's pid, evaluated in its top frame; undefined when it cannot be asked. */
async function pidOf(session: vscode.DebugSession, threadId: number | undefined): Promise<number | undefined> {
  try {
    const trace = (await session.customRequest('stackTrace', { threadId: threadId ?? 0, levels: 1 })) as {
      stackFrames?: { id: number }[];
    };
    const frameId = trace.stackFrames?.[0]?.id;
    const result = (await session.customRequest('evaluate', {
      expression: 'process.pid',
      context: 'watch',
      ...(frameId === undefined ? {} : { frameId }),
    })) as { result?: string };
    const pid = Number(result.result);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
