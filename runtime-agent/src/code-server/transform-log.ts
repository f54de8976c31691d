/**
 * The records of a transform cache's log (transform-cache.ts): one record per transform,
 * appended whole, a header line then the module's source and its code as they are:
 *
 *     kind TAB file TAB sourceBytes TAB codeBytes TAB rest NEWLINE source code NEWLINE
 *
 * the file and the rest of the transform (an ES module's exports, …) as JSON, which never holds
 * a raw tab or newline. A start reads the whole log at once: one file per module cost an open, a
 * stat and a close each, ≈25 µs a module, 55 of the ≈290 ms the agent added to the start of an
 * ES module app of 2,000 modules (issue 13). Source and code are bytes, not JSON: a module is
 * found by comparing its source with the record's bytes, and its code is decoded from them
 * (written as JSON, encoding each module's source and parsing its code took ≈5 µs a module).
 *
 * Appends from processes that start together may repeat an entry, and each edit of a module adds
 * one: reading keeps the newest record of each module's source, and of each module its
 * KEPT_VERSIONS newest, and counts the rest, which a rewrite of the log leaves out. A record
 * whose lengths do not fit (a write cut short) ends the reading: what follows it is read anew,
 * and the log is rewritten at the next record kept.
 *
 * A start's reading may share one text of the whole log (readLog's `shareText`): where the log
 * is ASCII (most code is), its text is made once, and each module's source and code are slices
 * of it, which V8 makes without copying the characters and compiles as they are. Decoded one by
 * one (two calls into C++ a module), each module's code was a string of its own that the
 * app's start then copied out of V8's young generation. The app of 2,000 small CommonJS modules
 * started in 558 ms against 598 (Node 20, p50 of 15); that of 2,000 modules of ≈70 lines ended
 * with 11 MB less in V8's old space and 10 MB less resident, the log's text (12.4 MB) held
 * outside V8's heap instead of its modules' codes (issue 13). The text lasts as long as a module
 * compiled from it: that is why a reading made later (a module loaded once the app has started)
 * does not share it.
 */

import { isAscii } from 'node:buffer';

/** How many transforms of one file a log keeps: an edit and its undo, a branch switched to and back. */
export const KEPT_VERSIONS = 3;

const NEWLINE = 0x0a;
const TAB = '\t';
const DIGIT_ZERO = 0x30;

export interface LogEntries {
  /** The records kept for each module (its kind and file, as a header writes them), oldest first, at most KEPT_VERSIONS. */
  byModule: Map<string, KeptRecord[]>;
  /** How many records a rewrite would leave out (Infinity: part of the log could not be read). */
  superseded: number;
  /** How many records are kept now (the records of byModule). */
  kept: number;
  /** How many records were ever kept: orders the records of a rewritten log as they came. */
  added: number;
}

/** A record, where it lies in the bytes it was read from. */
export interface KeptRecord {
  bytes: Buffer;
  /** The text of all of `bytes`, when the reading shared one (ASCII bytes: a character per byte). */
  text?: string;
  /** The record's first byte, and the byte after its last newline. */
  start: number;
  end: number;
  /** The transform's JSON without its code, as its header ends. */
  rest: string;
  sourceStart: number;
  codeStart: number;
  codeEnd: number;
  order: number;
}

/** The record of `transform` (code, and any other JSON fields) of the `kind` module at `file` whose code was `source`. */
export function logRecord(kind: string, file: string, source: string, transform: { code: string }): Buffer {
  const { code, ...rest } = transform;
  const sourceBytes = Buffer.byteLength(source);
  const codeBytes = Buffer.byteLength(code);
  return Buffer.from(
    `${moduleKey(kind, file)}\t${sourceBytes}\t${codeBytes}\t${JSON.stringify(rest)}\n${source}${code}\n`,
  );
}

/** What a record's header begins with for the `kind` module at `file` (its key in LogEntries.byModule). */
export function moduleKey(kind: string, file: string): string {
  return `${kind}\t${JSON.stringify(file)}`;
}

/**
 * The entries of a log's bytes, up to a record that does not fit; with `shareText`, their
 * sources and codes as slices of one text of the log where it is ASCII (see above).
 */
export function readLog(bytes: Buffer, shareText = false): LogEntries {
  const entries = emptyLog();
  const text = shareText && isAscii(bytes) ? bytes.toString('latin1') : undefined;
  let at = 0;
  while (at < bytes.length) {
    const record = recordAt(bytes, at, text);
    if (!record) {
      entries.superseded = Infinity; // the rest is read anew, and the log rewritten
      break;
    }
    keepRecord(entries, record.module, record.kept);
    at = record.kept.end;
  }
  return entries;
}

/** A log with no record yet; `superseded` Infinity: one too long to read, rewritten at the first record kept. */
export function emptyLog(superseded = 0): LogEntries {
  return { byModule: new Map(), superseded, kept: 0, added: 0 };
}

/** The kept record of the `kind` module at `file` made from `source` (its text, or its UTF-8 bytes). */
export function recordFor(
  entries: LogEntries,
  kind: string,
  file: string,
  source: string | Uint8Array,
): KeptRecord | undefined {
  const records = entries.byModule.get(moduleKey(kind, file));
  if (!records) return undefined;
  if (typeof source !== 'string') return records.find((r) => sourceIs(r, source));
  // A text takes at least as many bytes as it has characters, and at most three a character:
  // that rules a record out without measuring the text's bytes, a call into C++ (see recordAt).
  return records.find((r) => {
    const bytes = r.codeStart - r.sourceStart;
    return bytes >= source.length && bytes <= 3 * source.length && decode(r, r.sourceStart, r.codeStart) === source;
  });
}

/** The transform a record holds. Throws on a record whose JSON is damaged. */
export function transformOf(record: KeptRecord): { code: string } {
  const code = decode(record, record.codeStart, record.codeEnd);
  // A CommonJS module's transform is its code alone.
  if (record.rest === EMPTY_REST) return { code };
  return { ...(JSON.parse(record.rest) as Record<string, unknown>), code };
}

/** The JSON of a transform that is its code alone. */
const EMPTY_REST = JSON.stringify({});

/**
 * Keeps `record` (logRecord's bytes) as the newest of its module, in place of one made from
 * the same source; the records it leaves out (that one, or the module's oldest past
 * KEPT_VERSIONS) count as superseded.
 */
export function keep(entries: LogEntries, record: Buffer): void {
  const read = recordAt(record, 0);
  if (!read) throw new Error('not a record of the transform log');
  keepRecord(entries, read.module, read.kept);
}

/** Whether the log is at least half records a rewrite would leave out, and long enough to be worth one. */
export function worthRewriting(entries: LogEntries): boolean {
  return entries.superseded >= Math.max(64, entries.kept);
}

/** The bytes of a rewritten log: its kept records, in the order they were kept. */
export function logBytes(entries: LogEntries): Buffer {
  const kept = [...entries.byModule.values()].flat().sort((a, b) => a.order - b.order);
  return Buffer.concat(kept.map((r) => r.bytes.subarray(r.start, r.end)));
}

function keepRecord(entries: LogEntries, module: string, record: KeptRecord): void {
  let records = entries.byModule.get(module);
  if (!records) entries.byModule.set(module, (records = []));
  let left = 0;
  const same = records.findIndex((kept) => sourceIs(kept, record.bytes, record.sourceStart, record.codeStart));
  if (same >= 0) {
    records.splice(same, 1);
    left++;
  }
  record.order = entries.added++;
  records.push(record);
  if (records.length > KEPT_VERSIONS) {
    records.shift();
    left++;
  }
  entries.kept += 1 - left;
  entries.superseded += left;
}

/**
 * The record that starts at `start`, and its module key; undefined when it does not fit. Its
 * header is decoded once and read as text: a start reads thousands of records, each once, before
 * the JIT has warmed up to them, and each call of a Buffer's methods crosses into C++ (≈1 µs a
 * call then; searching the bytes for each tab took 7 calls a record, ≈20 ms of the start of an
 * app of 2,000 modules, issue 13).
 */
function recordAt(bytes: Buffer, start: number, text?: string): { module: string; kept: KeptRecord } | undefined {
  // From the shared text where there is one: its methods are V8's own, not calls into C++.
  const headerEnd = text !== undefined ? text.indexOf('\n', start) : bytes.indexOf(NEWLINE, start);
  if (headerEnd < 0) return undefined;
  const header = text !== undefined ? text.slice(start, headerEnd) : bytes.toString('utf8', start, headerEnd);
  const kindEnd = header.indexOf(TAB);
  const fileEnd = kindEnd < 0 ? -1 : header.indexOf(TAB, kindEnd + 1);
  const sourceCountEnd = fileEnd < 0 ? -1 : header.indexOf(TAB, fileEnd + 1);
  const codeCountEnd = sourceCountEnd < 0 ? -1 : header.indexOf(TAB, sourceCountEnd + 1);
  if (codeCountEnd < 0) return undefined;
  const kind = header.slice(0, kindEnd);
  if (kind !== 'cjs' && kind !== 'esm') return undefined;
  const sourceStart = headerEnd + 1;
  const codeStart = sourceStart + countIn(header, fileEnd + 1, sourceCountEnd);
  const codeEnd = codeStart + countIn(header, sourceCountEnd + 1, codeCountEnd);
  // NaN (a count that is not one) fails this too.
  if (!(codeEnd < bytes.length) || bytes[codeEnd] !== NEWLINE) return undefined;
  return {
    module: header.slice(0, fileEnd),
    kept: {
      bytes,
      text,
      start,
      end: codeEnd + 1,
      rest: header.slice(codeCountEnd + 1),
      sourceStart,
      codeStart,
      codeEnd,
      order: 0,
    },
  };
}

/** A header's count of bytes, its decimal digits from `from` to `to`; NaN when it is not one. */
function countIn(header: string, from: number, to: number): number {
  if (to <= from || to - from > 10) return NaN;
  let count = 0;
  for (let i = from; i < to; i++) {
    const digit = header.charCodeAt(i) - DIGIT_ZERO;
    if (digit < 0 || digit > 9) return NaN;
    count = count * 10 + digit;
  }
  return count;
}

/** Whether `record`'s source is `bytes` from `start` to `end`. */
function sourceIs(record: KeptRecord, bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  if (record.codeStart - record.sourceStart !== end - start) return false;
  return record.bytes.compare(bytes, start, end, record.sourceStart, record.codeStart) === 0;
}

function decode(record: KeptRecord, from: number, to: number): string {
  return record.text !== undefined ? record.text.slice(from, to) : record.bytes.toString('utf8', from, to);
}
