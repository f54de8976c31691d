/**
 * The place an error message points at: the first `/abs/file.ts:line[:column]` in it (the agent
 * reports load errors that way, mapped to the file you edited). No VS Code imports, so it is
 * unit-tested on its own.
 */
export interface ErrorLocation {
  readonly file: string;
  /** 1-based, as printed. */
  readonly line: number;
  readonly column: number | undefined;
}

// An absolute POSIX or Windows path to a JavaScript or TypeScript file (starting the message or
// after a space, quote or parenthesis: not the tail of a relative path), then :line and maybe :column.
const LOCATION = /(?<![^\s('"`])((?:\/|[A-Za-z]:[\\/])[^\s:;'"`()]+\.[cm]?[jt]sx?):(\d+)(?::(\d+))?/;

export function errorLocation(message: string): ErrorLocation | undefined {
  const match = LOCATION.exec(message);
  if (!match) return undefined;
  return { file: match[1]!, line: Number(match[2]), column: match[3] === undefined ? undefined : Number(match[3]) };
}
