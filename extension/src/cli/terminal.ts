/**
 * Text for a terminal. Most of what the CLI prints comes from agents (app names, module paths,
 * process ids and names, error messages), and an agent is another process: a name carrying
 * escape sequences could clear the screen, rewrite what was printed or set the clipboard
 * (OSC 52). Every line goes through `printable`: control characters other than newline and tab
 * (C0, DEL, C1, so ESC and the 8-bit CSI) and the invisible bidirectional overrides are shown as
 * `\u001b`-style escapes. (`--json` output is JSON, which escapes them already.)
 */

/** C0 but \t and \n, DEL, C1, and the Unicode bidi marks, embeddings, overrides and isolates. */
function unprintable(code: number): boolean {
  return (
    (code < 0x20 && code !== 0x09 && code !== 0x0a) ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x200e ||
    code === 0x200f ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

export function printable(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    out += unprintable(code) ? `\\u${code.toString(16).padStart(4, '0')}` : char;
  }
  return out;
}

/** Where a command's lines go: this process's stdout and stderr, or a client's (load-server/). */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

const console_: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};
let output: Output = console_;

/**
 * Runs `command` with its lines sent to `to`; one command at a time (the load server runs them
 * in turn). A line printed once `command` has ended (a callback of it, late) goes where lines go
 * then: this process's stdout, or the next command's client.
 */
export async function withOutput<T>(to: Output, command: () => Promise<T>): Promise<T> {
  output = to;
  try {
    return await command();
  } finally {
    output = console_;
  }
}

/** A line of printable text on stdout. */
export function say(text: string): void {
  output.out(`${printable(text)}\n`);
}

/** A line of printable text on stderr. */
export function complain(text: string): void {
  output.err(`${printable(text)}\n`);
}

/** Text as it is on stdout (`--json`, which escapes what could not be printed already). */
export function print(text: string): void {
  output.out(text);
}
