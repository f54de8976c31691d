/**
 * The corpus as data: apps, the ways each is started, and the edits applied to them in order.
 * In every string of a request or probe, `{n}` stands for the edit's number (1-based), so each
 * edit can create and look for its own marker (an item named `kept-3`, …).
 */

export interface HttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Instead of an HTTP request: a message over a WebSocket at `path`, its answer the reply. */
  websocket?: WebSocketExchange;
  /** Instead of an HTTP request: an event read from the event stream at `path` (event-stream.ts). */
  eventStream?: EventStreamExchange;
  /** Instead of an HTTP request: a Socket.IO event and its acknowledgement, `path` the server's (socket-io.ts). */
  socketIo?: SocketIoExchange;
}

/** A Socket.IO event emitted with an acknowledgement callback, the acknowledgement the answer (socket-io.ts). */
export interface SocketIoExchange {
  /**
   * A socket kept connected under this name, across edits (connected by the first exchange that
   * names it, and again after the app dropped it); without a name, a socket of its own, closed after.
   */
  socket?: string;
  emit: string;
  args?: unknown[];
  /** The handshake's `auth`, when the socket connects. */
  auth?: Record<string, string>;
}

/** An event read from a server-sent event stream, after the request that makes the app send it. */
export interface EventStreamExchange {
  /**
   * A stream kept open under this name, across edits (opened by the first exchange that names
   * it, and again if the app ended it); without a name, a stream of its own, closed after.
   */
  stream?: string;
  /** Sent once the stream is open: what makes the app send the event (a POST). */
  trigger?: HttpRequest;
  /** A substring of the event that answers: the others (heartbeats, other events) are skipped. */
  event: string;
}

/** One message sent over a WebSocket and the message that answers it (websocket.ts). */
export interface WebSocketExchange {
  /**
   * A socket kept open under this name, across edits (opened by the first exchange that names
   * it, and again if the app closed it); without a name, a socket of its own, closed after.
   */
  socket?: string;
  /** The text sent. */
  send: string;
  /** A substring of the message that answers it: the others (broadcasts) are skipped. */
  reply: string;
}

export interface Probe extends HttpRequest {
  /** Expected status (default 200). */
  status?: number;
  /** Substrings the body must contain. */
  includes?: string[];
  /** Substrings the body must not contain. */
  excludes?: string[];
  /** A response header and a substring of its value. */
  header?: [name: string, value: string];
  /**
   * Milliseconds within which the probe must come to pass, asked again until then: for what a
   * timer does, which shows at its next tick (an interval's new body), not at once.
   */
  eventually?: number;
}

/** A GET whose answer (or the first group `extract` captures) must be the same after the edit as before it. */
export interface Keep {
  path: string;
  extract?: RegExp;
}

/** Runtime state: created over HTTP before each edit, looked for after it. */
export interface StateChecks {
  before: HttpRequest[];
  probes?: Probe[];
  keep?: Keep[];
}

export interface Edit {
  name: string;
  /** Relative to the app folder. */
  file: string;
  /** Text replacements applied in order; each `find` must occur exactly once in the file. */
  replace: Array<[find: string, replace: string]>;
  /**
   * More files the same edit changes, written and delivered after `file`, in order (an interface
   * and the code that uses it): one `hotpatch load` of all of them, a save of each through the
   * language server, one restart for the baselines.
   */
  also?: FileChange[];
  /**
   * The edit changes the type of running state: the language server is expected to refuse it and
   * offer a migration. The runner then does what the user does: requests the "Generate migration"
   * code action on the state-changed diagnostic, applies its edits and saves the files they change.
   */
  migration?: boolean;
  /** Probes showing the new code is live. */
  live?: Probe[];
  /** GET paths that must answer the same after the edit as before it (a syntax error: the old code serves on). */
  unchanged?: string[];
  /** The edit leaves the file with a syntax error: the load must fail, naming file:line. */
  syntaxError?: boolean;
  /** Instead of the app's state checks. */
  state?: StateChecks;
}

export interface FileChange {
  /** Relative to the app folder. */
  file: string;
  replace: Array<[find: string, replace: string]>;
}

export interface Entry {
  /** Scoreboard name (the app's name unless it has several entries). */
  name: string;
  /** Arguments after the runtime options, e.g. ['app.js'] or ['dist/main.js']. */
  main: string[];
  /**
   * How the entry is loaded: plain CommonJS, an ES module, compiled by tsc, run with tsx or
   * ts-node, or TypeScript Node runs itself (`node-ts`: on the newest Node the tests installed,
   * which strips types).
   */
  kind: 'cjs' | 'esm' | 'tsc' | 'tsx' | 'ts-node' | 'node-ts';
}

export interface CorpusApp {
  /** Folder under test/corpus/apps. */
  dir: string;
  entries: Entry[];
  /** The cheap GET the background client requests every 20 ms. */
  health: string;
  state: StateChecks;
  edits: Edit[];
}
