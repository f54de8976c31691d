/**
 * The lines of a transform cache's log (transform-cache.ts): one line per transform, written by
 * appending, `key TAB file TAB transform` with the file and the transform as JSON (whose text
 * never holds a raw tab or newline). A start reads the whole log at once: one file per module
 * cost an open, a stat and a close each, ≈25 µs a module here, 55 of the ≈290 ms the agent
 * added to the start of an ES module app of 2,000 modules (issue 13).
 *
 * Appends from processes that start together may repeat an entry, and each edit of a module adds
 * one: reading keeps the newest line of each key, and of each file its KEPT_VERSIONS newest
 * transforms, and counts the rest, which a rewrite of the log leaves out.
 */

/** How many transforms of one file a log keeps: an edit and its undo, a branch switched to and back. */
export const KEPT_VERSIONS = 3;

export interface LogEntries {
  /** The line kept for each key, oldest first. */
  lines: Map<string, string>;
  /** How many lines of the log a rewrite would leave out. */
  superseded: number;
}

/** The entries of a log's text; a damaged line is counted as superseded. */
export function readLog(text: string): LogEntries {
  const newest = new Map<string, string>();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    total++;
    const key = keyOf(line);
    if (key === undefined) continue;
    newest.delete(key); // set again below: the map's order stays the order of the newest lines
    newest.set(key, line);
  }
  const versions = new Map<string, number>();
  const kept: Array<[string, string]> = [];
  for (const [key, line] of [...newest].reverse()) {
    const file = fileOf(line);
    const count = (versions.get(file) ?? 0) + 1;
    versions.set(file, count);
    if (count <= KEPT_VERSIONS) kept.push([key, line]);
  }
  const lines = new Map(kept.reverse());
  return { lines, superseded: total - lines.size };
}

/** A log line for `transform` (any JSON value) of `file` under `key` (which holds no tab or newline). */
export function logLine(key: string, file: string, transform: unknown): string {
  return `${key}\t${JSON.stringify(file)}\t${JSON.stringify(transform)}`;
}

/** The transform a line holds, parsed; throws on a damaged line. */
export function transformOf(line: string): unknown {
  const fileEnd = line.indexOf('\t', line.indexOf('\t') + 1);
  if (fileEnd < 0) throw new Error('a damaged line of the transform log');
  return JSON.parse(line.slice(fileEnd + 1));
}

/** Whether the log is at least half lines a rewrite would leave out, and long enough to be worth one. */
export function worthRewriting(entries: LogEntries): boolean {
  return entries.superseded >= Math.max(64, entries.lines.size);
}

/** The text of a rewritten log: its kept lines. */
export function logText(entries: LogEntries): string {
  let text = '';
  for (const line of entries.lines.values()) text += `${line}\n`;
  return text;
}

function keyOf(line: string): string | undefined {
  const tab = line.indexOf('\t');
  // A line two appends tore apart has no key and file where they belong: it is left out.
  if (tab <= 0 || line.indexOf('\t', tab + 1) < 0) return undefined;
  return line.slice(0, tab);
}

/** The file's JSON text (compared, not parsed). */
function fileOf(line: string): string {
  const start = line.indexOf('\t') + 1;
  return line.slice(start, line.indexOf('\t', start));
}
