/**
 * The place an error message points at: the first `/abs/file.ts:line[:column]` in it (the agent
 * reports load errors that way, mapped to the file you edited). The client offers to go there;
 * the language server puts a diagnostic there.
 */
export interface ErrorLocation {
  readonly file: string;
  /** 1-based, as printed. */
  readonly line: number;
  readonly column: number | undefined;
  /** The text that named it, e.g. `/app/src/greeting.ts:4:7`. */
  readonly span: string;
}

// An absolute POSIX or Windows path to a JavaScript or TypeScript file (starting the message or
// after a space, quote or parenthesis: not the tail of a relative path), then :line and maybe :column.
const LOCATION = /(?<![^\s('"`])((?:\/|[A-Za-z]:[\\/])[^\s:;'"`()]+\.[cm]?[jt]sx?):(\d+)(?::(\d+))?/;

export function errorLocation(message: string): ErrorLocation | undefined {
  const match = LOCATION.exec(message);
  if (!match) return undefined;
  const column = match[3] === undefined ? undefined : Number(match[3]);
  return { file: match[1]!, line: Number(match[2]), column, span: match[0] };
}
