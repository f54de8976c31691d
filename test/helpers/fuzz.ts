/**
 * Malformed, hostile and edge-case JSON-RPC messages from a seeded generator (mulberry32: a
 * failure reproduces from its seed), for integration/fuzz.test.ts.
 */

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const AGENT_METHODS = [
  'agent/initialize',
  'agent/modules',
  'agent/restart',
  'agent/load',
  'agent/purge',
  'agent/softPurge',
  'agent/source',
  'agent/prepare',
  'agent/commit',
  'agent/abort',
  'agent/rollback',
  'agent/processes',
  'agent/getState',
  'agent/replaceState',
];
export const NOTIFICATIONS = [
  'agent/moduleLoaded',
  'agent/modulePurged',
  'agent/processStarted',
  'agent/processExited',
  'agent/processChanged',
  'agent/processesChanged',
  'agent/supervisorStarted',
  'agent/supervisorChanged',
  'agent/supervisorExited',
];
export const LIBRARY = ['$/cancelRequest', '$/setTrace', '$/progress', '$/logTrace', '$/x', '$/', '$/cancelRequest/'];
const FIELDS = [
  'file',
  'code',
  'source',
  'origin',
  'version',
  'modules',
  'plan',
  'files',
  'extra',
  'process',
  'state',
  'protocolVersion',
  'client',
  'id',
  'token',
  'value',
  'message',
  'module',
  'reason',
  'processes',
  'suspendTimeoutMs',
  'previews',
  'restart',
  'shapes',
  '__proto__',
  'constructor',
  'toString',
];

/** A deterministic source of hostile values and messages. */
const isEmptyObject = (value: unknown): boolean =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0;

export class Fuzz {
  readonly rand: () => number;
  /** Files no app runs: the only ones a mutating request may name. */
  constructor(
    seed: number,
    private readonly files: string[] = ['/nonexistent/a.js'],
  ) {
    this.rand = mulberry32(seed);
  }

  int(n: number): number {
    return Math.floor(this.rand() * n);
  }
  chance(p: number): boolean {
    return this.rand() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  string(): string {
    switch (this.int(12)) {
      case 0:
        return '';
      case 1:
        return this.pick(['\u0000', '\ud800', '\udfff\ud800', '\u202e', '\x1b[2J\x1b]52;c;aGk=\x07', '\x9b31m']);
      case 2:
        return this.pick(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'then']);
      case 3:
        return 'x'.repeat(this.pick([100, 1000, 4097, 10_000]));
      case 4:
        return this.pick(this.files);
      case 5:
        return this.pick(['../../../etc/passwd', 'node:fs', 'fs', 'C:\\x.js', 'file:///x.js', '.', '/']);
      case 6:
        return String(this.number());
      case 7:
        return this.pick([...AGENT_METHODS, ...NOTIFICATIONS, ...LIBRARY]);
      case 8:
        return this.pick(['current', 'old', 'protocol', 'startup', 'watch', '2.0', '1.0', 'null', 'undefined']);
      case 9:
        return Array.from({ length: this.int(40) }, () => String.fromCharCode(this.int(0x10000))).join('');
      default:
        return Math.abs(this.int(1e9)).toString(36);
    }
  }

  number(): number {
    return this.pick([
      0,
      -0,
      1,
      -1,
      1.5,
      2 ** 31,
      2 ** 53 + 2,
      -(2 ** 63),
      1e308,
      5e-324,
      Number.MAX_SAFE_INTEGER,
      this.int(1000),
      600_001,
    ]);
  }

  /** Any JSON value, nested up to `depth`. */
  value(depth = 3): unknown {
    switch (this.int(depth > 0 ? 9 : 6)) {
      case 0:
        return null;
      case 1:
        return this.chance(0.5);
      case 2:
        return this.number();
      case 3:
      case 4:
        return this.string();
      case 5:
        return this.chance(0.5) ? [] : {};
      case 6:
        return Array.from({ length: this.int(5) }, () => this.value(depth - 1));
      case 7:
        return this.deep();
      default:
        return this.object(depth - 1);
    }
  }

  object(depth = 2): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (let i = this.int(5); i > 0; i--) {
      Object.defineProperty(result, this.chance(0.8) ? this.pick(FIELDS) : this.string(), {
        value: this.value(depth),
        enumerable: true,
        configurable: true,
        writable: true,
      });
    }
    return result;
  }

  /** Nesting far deeper than any reply or param should be. */
  deep(): unknown {
    const depth = this.pick([50, 500, 2000]);
    let value: unknown = this.chance(0.5) ? null : 'bottom';
    for (let i = 0; i < depth; i++) value = this.chance(0.5) ? [value] : { a: value };
    return value;
  }

  id(): unknown {
    return this.pick([
      () => this.int(100),
      () => -this.int(100),
      () => this.string(),
      () => null,
      () => ({ id: 1 }),
      () => [1],
      () => true,
      () => 1e300,
      () => 2 ** 53 + this.int(10),
      () => 1.5,
      () => '9'.repeat(400),
    ])();
  }

  method(): unknown {
    switch (this.int(8)) {
      case 0:
      case 1:
      case 2:
        return this.pick(AGENT_METHODS);
      case 3:
        return this.pick(LIBRARY);
      case 4:
        return this.pick(NOTIFICATIONS);
      case 5:
        return this.pick(['agent/', 'agent/format-disk', 'Agent/Modules', 'agent/modules ', '', 'rpc.x', 'x']);
      default:
        return this.pick([7, null, true, {}, ['agent/modules'], this.string()]);
    }
  }

  /** Params: absent (undefined), of the wrong type, plausible fields with hostile values, deep. */
  params(): unknown {
    switch (this.int(10)) {
      case 0:
        return undefined;
      case 1:
        return null;
      case 2:
        return this.pick([[], [{}], [this.value()], 'params', 42, true]);
      case 3:
        return {};
      case 4:
        return { id: this.id(), token: this.id(), value: this.value(1), message: this.value(1) };
      case 5:
        return { file: this.pick(this.files), code: this.value(1), extra: this.deep() };
      case 6:
        return { modules: [{ file: this.pick(this.files), code: 'exports.x = 1;' }], plan: this.value(1) };
      default:
        return this.object();
    }
  }

  /** One message, as a string sent as text, or a Buffer sent binary. */
  message(): string | Buffer {
    switch (this.int(20)) {
      case 0:
        return this.pick([
          '',
          ' ',
          '{',
          '{"jsonrpc":"2.0",',
          '}{',
          'null',
          '[]',
          '42',
          '"x"',
          'NaN',
          '\u0000',
          '{"a":1}}',
        ]);
      case 1:
        return Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: this.int(100), method: this.method() }));
      case 2:
        return JSON.stringify(Array.from({ length: this.int(4) }, () => this.request()));
      case 3:
        // Large, still under the payload limit.
        return JSON.stringify({
          jsonrpc: '2.0',
          id: this.id(),
          method: this.method(),
          params: { file: 'y'.repeat(100_000) },
        });
      case 4:
        // A response nobody asked for.
        return JSON.stringify(
          this.chance(0.5)
            ? { jsonrpc: '2.0', id: this.id(), result: this.value() }
            : { jsonrpc: '2.0', id: this.id(), error: this.chance(0.5) ? { code: 1, message: 'x' } : this.value() },
        );
      case 5:
        return JSON.stringify({ jsonrpc: '2.0', method: this.pick(LIBRARY), params: this.params() });
      case 6:
        return JSON.stringify({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: this.id() } });
      default:
        return JSON.stringify(this.request());
    }
  }

  request(): Record<string, unknown> {
    const message: Record<string, unknown> = {};
    const version = this.int(10);
    if (version > 1) message.jsonrpc = '2.0';
    else if (version === 1) message.jsonrpc = this.pick(['1.0', '2', 2, null, '2.0 ', ['2.0']]);
    if (this.chance(0.75)) message.id = this.id();
    message.method = this.method();
    const params = this.params();
    if (params !== undefined) message.params = params;
    // agent/restart's only valid params are {} (or none): never send those.
    if (message.method === 'agent/restart' && (params === undefined || isEmptyObject(params))) {
      message.params = { bogus: true };
    }
    return message;
  }
}
