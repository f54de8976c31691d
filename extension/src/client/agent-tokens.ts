/**
 * Tokens of the agents listed in `hotpatch.agents`, kept in VS Code's SecretStorage (the OS
 * keychain) instead of settings.json: an entry without a `token` gets the one stored for its URL.
 * "Hotpatch: Set agent token" stores one. The language server gets the tokens with the other
 * settings when it starts, so the stored ones are read before every start, and a change restarts it.
 */
import * as vscode from 'vscode';

export const SET_TOKEN_COMMAND = 'hotpatch.setAgentToken';

/** The SecretStorage key of an agent's token. */
export function tokenKey(url: string): string {
  return `hotpatch.agentToken:${url}`;
}

export class AgentTokens implements vscode.Disposable {
  /** The stored tokens of the configured URLs, as last read: initializationOptions are built synchronously. */
  #tokens = new Map<string, string>();
  readonly #subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly output: vscode.LogOutputChannel,
    onChanged: () => void,
  ) {
    this.#subscriptions.push(
      secrets.onDidChange(({ key }) => {
        if (key.startsWith(tokenKey(''))) onChanged();
      }),
      // With (url, token), from a script or a test, it stores without asking.
      vscode.commands.registerCommand(SET_TOKEN_COMMAND, (url?: unknown, token?: unknown) =>
        this.setToken(typeof url === 'string' ? url : undefined, typeof token === 'string' ? token : undefined),
      ),
    );
  }

  /** Reads the stored tokens of the agents in the settings; call before the server starts. */
  async load(): Promise<void> {
    const tokens = new Map<string, string>();
    for (const url of configuredUrls()) {
      const token = await this.secrets.get(tokenKey(url));
      if (token) tokens.set(url, token);
    }
    this.#tokens = tokens;
  }

  tokenFor(url: string): string | undefined {
    return this.#tokens.get(url);
  }

  /**
   * Asks for an agent (one of the settings', or a new URL, then added to the user settings
   * without a token) and its token, and stores the token. Returns the URL, or undefined if cancelled.
   */
  async setToken(url?: string, given?: string): Promise<string | undefined> {
    url ??= await pickUrl();
    if (!url) return undefined;
    const token =
      given ??
      (await vscode.window.showInputBox({
        title: `Hotpatch: token of the agent at ${url}`,
        prompt: 'From its discovery file (`token`) or its start options. Stored in the OS keychain, not in settings.',
        password: true,
        ignoreFocusOut: true,
        validateInput: (value) => (value.trim() ? undefined : 'The token is empty'),
      }));
    if (!token) return undefined;
    if (!configuredUrls().includes(url)) {
      const config = vscode.workspace.getConfiguration('hotpatch');
      const global = config.inspect<unknown[]>('agents')?.globalValue ?? [];
      await config.update('agents', [...global, { url }], vscode.ConfigurationTarget.Global);
    }
    await this.secrets.store(tokenKey(url), token.trim());
    this.output.info(`stored the token of the agent at ${url} in SecretStorage`);
    return url;
  }

  dispose(): void {
    for (const subscription of this.#subscriptions) subscription.dispose();
  }
}

/** The URLs of the well-formed entries of `hotpatch.agents`. */
function configuredUrls(): string[] {
  const value = vscode.workspace.getConfiguration('hotpatch').get<unknown>('agents');
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown) => {
    const url = typeof entry === 'object' && entry !== null ? (entry as { url?: unknown }).url : undefined;
    return typeof url === 'string' ? [url] : [];
  });
}

const NEW_URL = 'Another agent…';

async function pickUrl(): Promise<string | undefined> {
  const urls = configuredUrls();
  const picked =
    urls.length === 0
      ? NEW_URL
      : await vscode.window.showQuickPick([...urls, NEW_URL], { placeHolder: 'Agent whose token to store' });
  if (picked !== NEW_URL) return picked;
  return vscode.window
    .showInputBox({
      title: 'Hotpatch: agent URL',
      placeHolder: 'ws://127.0.0.1:7400',
      ignoreFocusOut: true,
      validateInput: (value) => (/^wss?:\/\/\S+$/.test(value.trim()) ? undefined : 'A ws:// or wss:// URL'),
    })
    .then((value) => value?.trim());
}
