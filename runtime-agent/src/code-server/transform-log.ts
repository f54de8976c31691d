/**
 * The lines of a transform cache's log (transform-cache.ts): one line per transform, written by
 * appending, `kind TAB file TAB source TAB transform` with all but the kind as JSON (whose text
 * never holds a raw tab or newline). A start reads the whole log at once: one file per module
 * cost an open, a stat and a close each, ≈25 µs a module here, 55 of the ≈290 ms the agent
 * added to the start of an ES module app of 2,000 modules (issue 13).
 *
 * Appends from processes that start together may repeat an entry, and each edit of a module adds
 * one: reading keeps the newest line of each module's source, and of each module its
 * KEPT_VERSIONS newest, and counts the rest, which a rewrite of the log leaves out.
 */

/** How many transforms of one file a log keeps: an edit and its undo, a branch switched to and back. */
export const KEPT_VERSIONS = 3;

export interface LogEntries {
  /** The lines kept for each module (its kind and file, as a line writes them), oldest first, at most KEPT_VERSIONS. */
  byModule: Map<string, KeptLine[]>;
  /** How many lines of the log a rewrite would leave out. */
  superseded: number;
  /** How many lines are kept now (the lines of byModule). */
  kept: number;
  /** How many lines were ever kept: orders the lines of a rewritten log as they came. */
  added: number;
}

export interface KeptLine {
  line: string;
  /** The line's source field (JSON text): what finds it. */
  source: string;
  order: number;
}

/**
 * A log line for `transform` (any JSON value) of the `kind` module at `file` whose code was
 * `source`: `kind TAB file TAB source TAB transform`, the last three as JSON. The source itself,
 * not a digest of it: a line is used only for the very code it was made from, and finding it
 * needs no hash of each module as the app loads it (issue 13).
 */
export function logLine(kind: string, file: string, source: string, transform: unknown): string {
  return `${moduleKey(kind, file)}\t${JSON.stringify(source)}\t${JSON.stringify(transform)}`;
}

/** What a log line begins with for the `kind` module at `file` (its key in LogEntries.byModule). */
export function moduleKey(kind: string, file: string): string {
  return `${kind}\t${JSON.stringify(file)}`;
}

/** The entries of a log's text; a damaged line is counted as superseded. */
export function readLog(text: string): LogEntries {
  const entries = emptyLog();
  for (const line of text.split('\n')) {
    if (line !== '') keep(entries, line);
  }
  return entries;
}

/** A log with no line yet; `superseded` Infinity: one too long to read, rewritten at the first line kept. */
export function emptyLog(superseded = 0): LogEntries {
  return { byModule: new Map(), superseded, kept: 0, added: 0 };
}

/** The kept line of the `kind` module at `file` made from `source`. */
export function lineFor(entries: LogEntries, kind: string, file: string, source: string): string | undefined {
  const lines = entries.byModule.get(moduleKey(kind, file));
  if (!lines) return undefined;
  const stored = JSON.stringify(source);
  return lines.find((kept) => kept.source === stored)?.line;
}

/**
 * Keeps `line` as the newest of its module, in place of one made from the same source; the
 * lines it leaves out (that one, or the module's oldest past KEPT_VERSIONS) count as superseded,
 * as does a damaged line (two appends tore it apart: it lacks its fields), which is not kept.
 */
export function keep(entries: LogEntries, line: string): void {
  const fields = fieldsOf(line);
  if (!fields) {
    entries.superseded++;
    return;
  }
  let lines = entries.byModule.get(fields.module);
  if (!lines) entries.byModule.set(fields.module, (lines = []));
  let left = 0;
  const same = lines.findIndex((kept) => kept.source === fields.source);
  if (same >= 0) {
    lines.splice(same, 1);
    left++;
  }
  lines.push({ line, source: fields.source, order: entries.added++ });
  if (lines.length > KEPT_VERSIONS) {
    lines.shift();
    left++;
  }
  entries.kept += 1 - left;
  entries.superseded += left;
}

/** The transform a line holds, parsed; throws on a damaged line. */
export function transformOf(line: string): unknown {
  const fields = fieldsOf(line);
  if (!fields) throw new Error('a damaged line of the transform log');
  return JSON.parse(line.slice(fields.transformStart));
}

/** Whether the log is at least half lines a rewrite would leave out, and long enough to be worth one. */
export function worthRewriting(entries: LogEntries): boolean {
  return entries.superseded >= Math.max(64, entries.kept);
}

/** The text of a rewritten log: its kept lines, in the order they were kept. */
export function logText(entries: LogEntries): string {
  const kept = [...entries.byModule.values()].flat().sort((a, b) => a.order - b.order);
  let text = '';
  for (const { line } of kept) text += `${line}\n`;
  return text;
}

/** A line's module key and source (JSON text, compared, not parsed), and where its transform starts. */
function fieldsOf(line: string): { module: string; source: string; transformStart: number } | undefined {
  const kindEnd = line.indexOf('\t');
  const fileEnd = kindEnd > 0 ? line.indexOf('\t', kindEnd + 1) : -1;
  const sourceEnd = fileEnd > 0 ? line.indexOf('\t', fileEnd + 1) : -1;
  if (sourceEnd < 0) return undefined;
  return { module: line.slice(0, fileEnd), source: line.slice(fileEnd + 1, sourceEnd), transformStart: sourceEnd + 1 };
}
