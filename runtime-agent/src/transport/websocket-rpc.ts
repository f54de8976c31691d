/**
 * JSON-RPC 2.0 over a WebSocket, one message per frame, on vscode-jsonrpc (the library the
 * language server side uses too). This file owns the framing and the checks JSON-RPC asks of
 * a server before dispatch: bad JSON gets a -32700 reply, anything that is not a single
 * JSON-RPC message a -32600 reply, and a request with positional (array) params a -32602
 * reply, since every method of this protocol takes named params; the connection stays open.
 *
 * vscode-jsonrpc acts on some notifications itself, before any handler of ours, and trusts their
 * params: `{"method":"$/cancelRequest"}` with no `params.id` threw a TypeError out of its message
 * callback, which ended the process on either side. So every `$/` notification is checked here
 * against the shape the library expects, and dropped (notifications get no reply) when it does
 * not match or is one this protocol does not use.
 *
 * A request whose id is that of a request still in progress on the connection gets a -32600
 * reply (the library would take it for the first one). And a request the sender stops waiting
 * for (its deadline passed: see AgentClient) is cancelled: `$/cancelRequest` goes out and the
 * request is settled here at once, so vscode-jsonrpc does not keep it pending forever when the
 * other side never answers.
 */
import {
  AbstractMessageReader,
  AbstractMessageWriter,
  CancellationReceiverStrategy,
  createMessageConnection,
  type DataCallback,
  type Disposable,
  type Message,
  type MessageConnection,
  type MessageReader,
  type MessageWriter,
} from 'vscode-jsonrpc/node';
import type WebSocket from 'ws';
import { errorMessage } from '../error-message';

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const INVALID_PARAMS = -32602;
/** JSON-RPC's (LSP's) code for a request cancelled by its sender. */
export const REQUEST_CANCELLED = -32800;

/** Ids of the requests received on one connection and not yet answered, as strings (the library's keys). */
type InProgress = Set<string>;

class WebSocketReader extends AbstractMessageReader implements MessageReader {
  #callback: DataCallback | undefined;

  constructor(
    private readonly socket: WebSocket,
    private readonly inProgress: InProgress,
  ) {
    super();
    socket.on('close', () => this.fireClose());
    socket.on('error', (error) => this.fireError(error));
  }

  listen(callback: DataCallback): Disposable {
    this.#callback = callback;
    const onMessage = (data: WebSocket.RawData, isBinary: boolean): void => {
      const message = decode(data, isBinary, this.inProgress);
      if ('error' in message) sendRaw(this.socket, { jsonrpc: '2.0', id: message.id, error: message.error });
      else if ('message' in message) callback(message.message);
    };
    this.socket.on('message', onMessage);
    return {
      dispose: () => {
        this.#callback = undefined;
        this.socket.off('message', onMessage);
      },
    };
  }

  /** Hands the connection a message as if it had come from the other side. */
  deliver(message: Message): void {
    this.#callback?.(message);
  }
}

class WebSocketWriter extends AbstractMessageWriter implements MessageWriter {
  constructor(
    private readonly socket: WebSocket,
    private readonly inProgress: InProgress,
  ) {
    super();
    socket.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    const response = message as { id?: unknown; method?: unknown };
    if (response.method === undefined && (typeof response.id === 'string' || typeof response.id === 'number')) {
      this.inProgress.delete(String(response.id));
    }
    return new Promise((resolve) => {
      if (this.socket.readyState !== this.socket.OPEN) return resolve();
      this.socket.send(JSON.stringify(message), (error) => {
        if (error) this.fireError(error, message);
        resolve();
      });
    });
  }

  end(): void {}
}

type Decoded =
  | { message: Message }
  | { id: string | number | null; error: { code: number; message: string } }
  /** A notification nothing may see; JSON-RPC sends no reply to a notification. */
  | { dropped: string };

function decode(data: WebSocket.RawData, isBinary: boolean, inProgress: InProgress): Decoded {
  if (isBinary) return { id: null, error: { code: INVALID_REQUEST, message: 'binary frames are not JSON-RPC' } };
  let value: unknown;
  try {
    value = JSON.parse(String(data));
  } catch (error) {
    const detail = errorMessage(error);
    return { id: null, error: { code: PARSE_ERROR, message: `Parse error: ${detail}` } };
  }
  if (Array.isArray(value)) {
    return { id: null, error: { code: INVALID_REQUEST, message: 'Invalid Request: batches are not supported' } };
  }
  if (value === null || typeof value !== 'object') {
    return { id: null, error: { code: INVALID_REQUEST, message: 'Invalid Request: a message must be a JSON object' } };
  }
  const message = value as Record<string, unknown>;
  const id = typeof message.id === 'string' || typeof message.id === 'number' ? message.id : null;
  const problem = invalidity(message);
  if (problem) return { id, error: { code: INVALID_REQUEST, message: `Invalid Request: ${problem}` } };
  if (typeof message.method === 'string' && message.method.startsWith('$/') && !('id' in message)) {
    const refusal = libraryNotificationProblem(message.method, message.params);
    if (refusal) return { dropped: refusal };
  }
  // Every method takes named params. vscode-jsonrpc would spread an array into the handler's
  // arguments, so `[]` or `[a, b]` reached the agent's schema check as something else entirely.
  if (typeof message.method === 'string' && id !== null && Array.isArray(message.params)) {
    return {
      id,
      error: {
        code: INVALID_PARAMS,
        message: `Invalid params: ${message.method} takes its params by name (an object)`,
      },
    };
  }
  if (typeof message.method === 'string' && id !== null) {
    // Its answer would be taken for the first one's, or the library would drop one of the two.
    if (inProgress.has(String(id))) {
      const text = `Invalid Request: id ${JSON.stringify(id)} is in use by a request in progress`;
      return { id, error: { code: INVALID_REQUEST, message: text } };
    }
    inProgress.add(String(id));
  }
  return { message: message as unknown as Message };
}

function invalidity(message: Record<string, unknown>): string | undefined {
  if (message.jsonrpc !== '2.0') return `"jsonrpc" must be "2.0"`;
  if ('id' in message && !['string', 'number'].includes(typeof message.id) && message.id !== null) {
    return '"id" must be a string, a number or null';
  }
  if ('method' in message) {
    if (typeof message.method !== 'string' || message.method === '') return '"method" must be a non-empty string';
    if ('params' in message && (message.params === null || typeof message.params !== 'object')) {
      return '"params" must be an object or an array';
    }
    return undefined;
  }
  if ('id' in message && 'error' in message && !isErrorObject(message.error)) {
    return '"error" must be an object with a numeric "code" and a string "message"';
  }
  if ('id' in message && ('result' in message || 'error' in message)) return undefined;
  return 'neither a request, a notification nor a response';
}

function isErrorObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const error = value as Record<string, unknown>;
  return typeof error.code === 'number' && typeof error.message === 'string';
}

const isId = (value: unknown): boolean => typeof value === 'string' || typeof value === 'number';

/**
 * The `$/` notifications vscode-jsonrpc handles itself, with the params each must have for the
 * library not to throw (it reads `params.id`, `params.token`, `params.value`, `params.message`
 * unchecked, and turns an id into a key with `id.toString()`). Any other `$/` notification is
 * dropped too: neither side of this protocol uses one.
 */
const LIBRARY_NOTIFICATIONS: Record<string, (params: Record<string, unknown>) => boolean> = {
  '$/cancelRequest': (params) => isId(params.id),
  '$/progress': (params) => isId(params.token),
  '$/setTrace': (params) => typeof params.value === 'string',
  '$/logTrace': (params) => typeof params.message === 'string',
};

function libraryNotificationProblem(method: string, params: unknown): string | undefined {
  const check = Object.hasOwn(LIBRARY_NOTIFICATIONS, method) ? LIBRARY_NOTIFICATIONS[method] : undefined;
  if (!check) return `${method} is not used by this protocol`;
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return `${method} needs named params`;
  return check(params as Record<string, unknown>) ? undefined : `${method} has malformed params`;
}

function sendRaw(socket: WebSocket, payload: object): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(payload));
}

/** A JSON-RPC connection over an open WebSocket; call `listen()` after registering handlers. */
export function connectionOverWebSocket(socket: WebSocket): MessageConnection {
  const inProgress: InProgress = new Set();
  const reader = new WebSocketReader(socket, inProgress);
  return createMessageConnection(reader, new WebSocketWriter(socket, inProgress), undefined, {
    cancellationStrategy: {
      receiver: CancellationReceiverStrategy.Message,
      sender: {
        sendCancellation: (connection, id) => {
          // Settled here, not by the other side's reply, which may never come.
          reader.deliver({ jsonrpc: '2.0', id, error: { code: REQUEST_CANCELLED, message: 'cancelled' } } as Message);
          return connection.sendNotification('$/cancelRequest', { id });
        },
        cleanup: () => {},
      },
    },
  });
}
