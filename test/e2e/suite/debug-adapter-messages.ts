// What the debug adapters of Node sessions send, recorded for the debugging tests: `stopped`
// events, breakpoints bound, the program's output. Tests wait on these messages, never on timers.
import * as vscode from 'vscode';

export interface DapEvent {
  session: vscode.DebugSession;
  event: string;
  body: Record<string, unknown>;
}

export class DebugAdapterMessages implements vscode.Disposable {
  readonly events: DapEvent[] = [];
  readonly #fired = new vscode.EventEmitter<DapEvent>();
  readonly #registration: vscode.Disposable;

  constructor() {
    this.#registration = vscode.debug.registerDebugAdapterTrackerFactory('*', {
      createDebugAdapterTracker: (session) => ({
        onDidSendMessage: (message: {
          type?: string;
          event?: string;
          command?: string;
          body?: Record<string, unknown>;
        }) => {
          // Events by name; responses as `response:<command>`.
          const name =
            message.type === 'event' ? message.event : message.type === 'response' ? `response:${message.command}` : '';
          if (!name) return;
          const event = { session, event: name, body: message.body ?? {} };
          this.events.push(event);
          this.#fired.fire(event);
        },
      }),
    });
  }

  /** The first event, from now on or already recorded after `since`, that `match` accepts. */
  next(what: string, match: (event: DapEvent) => boolean, since = 0, ms = 60_000): Promise<DapEvent> {
    const seen = this.events.slice(since).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        subscription.dispose();
        const recent = this.events
          .slice(since)
          .filter((e) => e.event !== 'loadedSource')
          .map((e) => `${e.event} ${JSON.stringify(e.body).slice(0, 300)}`);
        reject(new Error(`no ${what} within ${ms} ms; since then:\n${recent.join('\n')}`));
      }, ms);
      const subscription = this.#fired.event((event) => {
        if (!match(event)) return;
        clearTimeout(timer);
        subscription.dispose();
        resolve(event);
      });
    });
  }

  /** All `output` events' text so far. */
  output(): string {
    return this.events
      .filter((e) => e.event === 'output')
      .map((e) => String(e.body.output ?? ''))
      .join('');
  }

  dispose(): void {
    this.#registration.dispose();
    this.#fired.dispose();
  }
}
