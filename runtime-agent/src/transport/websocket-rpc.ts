/**
 * JSON-RPC 2.0 over a WebSocket, one message per frame, on vscode-jsonrpc (the library the
 * language server side uses too). This file owns the framing and the checks JSON-RPC asks of
 * a server before dispatch: bad JSON gets a -32700 reply, anything that is not a single
 * JSON-RPC message a -32600 reply, and a request with positional (array) params a -32602
 * reply, since every method of this protocol takes named params; the connection stays open.
 */
import {
  AbstractMessageReader,
  AbstractMessageWriter,
  createMessageConnection,
  type DataCallback,
  type Disposable,
  type Message,
  type MessageConnection,
  type MessageReader,
  type MessageWriter,
} from 'vscode-jsonrpc/node';
import type WebSocket from 'ws';

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const INVALID_PARAMS = -32602;

class WebSocketReader extends AbstractMessageReader implements MessageReader {
  constructor(private readonly socket: WebSocket) {
    super();
    socket.on('close', () => this.fireClose());
    socket.on('error', (error) => this.fireError(error));
  }

  listen(callback: DataCallback): Disposable {
    const onMessage = (data: WebSocket.RawData, isBinary: boolean): void => {
      const message = decode(data, isBinary);
      if ('error' in message) sendRaw(this.socket, { jsonrpc: '2.0', id: message.id, error: message.error });
      else callback(message.message);
    };
    this.socket.on('message', onMessage);
    return { dispose: () => this.socket.off('message', onMessage) };
  }
}

class WebSocketWriter extends AbstractMessageWriter implements MessageWriter {
  constructor(private readonly socket: WebSocket) {
    super();
    socket.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
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

type Decoded = { message: Message } | { id: string | number | null; error: { code: number; message: string } };

function decode(data: WebSocket.RawData, isBinary: boolean): Decoded {
  if (isBinary) return { id: null, error: { code: INVALID_REQUEST, message: 'binary frames are not JSON-RPC' } };
  let value: unknown;
  try {
    value = JSON.parse(String(data));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
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
  if ('id' in message && ('result' in message || 'error' in message)) return undefined;
  return 'neither a request, a notification nor a response';
}

function sendRaw(socket: WebSocket, payload: object): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(payload));
}

/** A JSON-RPC connection over an open WebSocket; call `listen()` after registering handlers. */
export function connectionOverWebSocket(socket: WebSocket): MessageConnection {
  return createMessageConnection(new WebSocketReader(socket), new WebSocketWriter(socket));
}
