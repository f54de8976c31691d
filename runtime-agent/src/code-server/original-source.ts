/**
 * The original source of a module's startup version: what the editor diffs against and the
 * language server reads the state type from. For TS compiled to JS that is the .ts file the
 * source map names; for files a loader transformed in memory (tsx), the file on disk.
 */
import type { SourceMapInput, TraceMap } from '@jridgewell/trace-mapping';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface OriginalSource {
  /** Absolute paths of the sources the code was compiled from (empty without a source map). */
  sources: string[];
  /** The original text: the single source's content when there is one, else the code itself. */
  text: string;
}

interface RawSourceMap {
  sources?: unknown;
  sourcesContent?: unknown;
  sourceRoot?: unknown;
}

const SOURCE_MAPPING_URL = /\/\/[#@] sourceMappingURL=(\S+)\s*$/;

export function findOriginalSource(file: string, code: string): OriginalSource {
  const map = readSourceMap(file, code);
  if (map) {
    const sources = Array.isArray(map.raw.sources)
      ? map.raw.sources.filter((s): s is string => typeof s === 'string').map((s) => toAbsolute(map, s))
      : [];
    const contents = Array.isArray(map.raw.sourcesContent) ? map.raw.sourcesContent : [];
    if (sources.length === 1) {
      const text = typeof contents[0] === 'string' ? contents[0] : tryRead(sources[0]!);
      // A map that points back at the file itself (a loader's inline map) still yields the disk text.
      return { sources: sources[0] === file ? [] : sources, text: text ?? code };
    }
    return { sources, text: code };
  }
  if (/\.[cm]?tsx?$/.test(file)) return { sources: [], text: tryRead(file) ?? code };
  return { sources: [], text: code };
}

export function readSourceMap(file: string, code: string): { raw: RawSourceMap; base: string } | undefined {
  const tail = code.slice(-4096);
  const url = SOURCE_MAPPING_URL.exec(tail)?.[1];
  if (!url) return undefined;
  try {
    if (url.startsWith('data:')) {
      const payload = url.slice(url.indexOf(',') + 1);
      const json = url.includes(';base64,')
        ? Buffer.from(payload, 'base64').toString('utf8')
        : decodeURIComponent(payload);
      return { raw: JSON.parse(json) as RawSourceMap, base: dirname(file) };
    }
    const mapFile = url.startsWith('file:') ? fileURLToPath(url) : resolve(dirname(file), url);
    return { raw: JSON.parse(readFileSync(mapFile, 'utf8')) as RawSourceMap, base: dirname(mapFile) };
  } catch {
    return undefined; // an unreadable map only costs us the original text
  }
}

function toAbsolute(map: { raw: RawSourceMap; base: string }, source: string): string {
  if (source.startsWith('file:')) return fileURLToPath(source);
  if (isAbsolute(source)) return source;
  const root = typeof map.raw.sourceRoot === 'string' ? map.raw.sourceRoot : '';
  return resolve(map.base, root, source);
}

function tryRead(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Where a position of `code` (compiled) comes from in the file the user edits: the line
 * through the code's source map, for reports that name lines; undefined without a map.
 */
export function sourceLines(file: string, code: string): ((line: number, column: number) => number) | undefined {
  const map = readSourceMap(file, code);
  if (!map) return undefined;
  // Required here, where a map was found, not with the agent: most JavaScript apps have no
  // maps, and loading the library cost every app ≈9 ms at startup (issue 13).
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { TraceMap, originalPositionFor } =
    require('@jridgewell/trace-mapping') as typeof import('@jridgewell/trace-mapping');
  /* eslint-enable @typescript-eslint/no-require-imports */
  let trace: TraceMap;
  try {
    trace = new TraceMap(map.raw as SourceMapInput);
  } catch {
    return undefined;
  }
  return (line, column) => originalPositionFor(trace, { line, column }).line ?? line;
}
