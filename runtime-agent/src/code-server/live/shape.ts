/**
 * The code of a statement or function with its nested bodies left out, for telling whether it
 * changed between two versions. Comments and layout never count as a change: two shapes are
 * equal when their tokens are. Most statements of a saved file are unchanged, so the raw text
 * is compared first and the tokenizer runs only where the raw text differs (tokenizing a whole
 * 20 KB module for every load cost more than parsing it).
 */
import { acorn } from './parsers';

export type Hole = readonly [start: number, end: number];

export class Shape {
  /** The source text with each hole replaced by `{…}`. */
  readonly raw: string;
  #tokens: string | undefined;

  constructor(
    readonly code: string,
    readonly start: number,
    readonly end: number,
    readonly holes: readonly Hole[] = [],
  ) {
    let raw = '';
    let at = start;
    for (const [holeStart, holeEnd] of holes) {
      raw += code.slice(at, holeStart) + '{…}';
      at = holeEnd;
    }
    this.raw = raw + code.slice(at, end);
  }

  /** Its tokens, one space apart, each hole as `{…}`. */
  get tokens(): string {
    this.#tokens ??= tokenText(this.code, this.start, this.end, this.holes);
    return this.#tokens;
  }

  equals(other: Shape): boolean {
    return this.raw === other.raw || this.tokens === other.tokens;
  }
}

/** The tokens of `code[start, end)`, one space apart, each hole replaced by `{…}`. */
export function tokenText(code: string, start: number, end: number, holes: readonly Hole[] = []): string {
  const parts: string[] = [];
  let hole = 0;
  let shown = -1;
  try {
    for (const token of acorn().tokenizer(code.slice(start, end), { ecmaVersion: 'latest', allowHashBang: true })) {
      const at = token.start + start;
      while (hole < holes.length && holes[hole]![1] <= at) hole++;
      if (hole < holes.length && at >= holes[hole]![0]) {
        // Once per hole, at its first token (an arrow's body hole starts at the space after `=>`).
        if (shown !== hole) parts.push('{…}');
        shown = hole;
        continue;
      }
      parts.push(code.slice(at, token.end + start));
    }
  } catch {
    return code.slice(start, end); // never for code acorn parsed; the raw text is the safe answer
  }
  return parts.join(' ');
}

/** A token's place and text, as the tokenizer gives it. */
interface GapToken {
  start: number;
  end: number;
  text: string;
}

/**
 * The tokens of `code[start, end)`, where the parser left only a gap between nodes it read: a
 * function's header around its parameters (`async`, its name, `*`, `(`, `)`, `,`, `=>`),
 * with whitespace and comments. Such a gap is read here directly; anything else in it (a
 * string, an HTML-like comment, a non-ASCII name) goes to acorn's tokenizer, whose every use
 * builds a parser (≈5 µs: two of them for each function of a module, at every load).
 */
function gapTokens(code: string, start: number, end: number): Iterable<GapToken> {
  return scanGap(code, start, end) ?? tokensOf(code, start, end);
}

function* tokensOf(code: string, start: number, end: number): Iterable<GapToken> {
  for (const token of acorn().tokenizer(code.slice(start, end), { ecmaVersion: 'latest' })) {
    yield { start: token.start + start, end: token.end + start, text: token.type.label };
  }
}

/** The gap's tokens (`text`: the punctuator, or `name` for a word), or undefined when it holds something else. */
function scanGap(code: string, start: number, end: number): GapToken[] | undefined {
  const tokens: GapToken[] = [];
  let at = start;
  while (at < end) {
    const c = code.charCodeAt(at);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
      at++;
    } else if (c === 0x2f && code.charCodeAt(at + 1) === 0x2f) {
      // A line comment ends at a line break (the other line terminators: the tokenizer's case).
      const newline = code.indexOf('\n', at);
      const close = newline < 0 || newline > end ? end : newline;
      for (; at < close; at++) {
        const d = code.charCodeAt(at);
        if (d === 0x0d || d === 0x2028 || d === 0x2029) return undefined;
      }
    } else if (c === 0x2f && code.charCodeAt(at + 1) === 0x2a) {
      const close = code.indexOf('*/', at + 2);
      if (close < 0 || close + 2 > end) return undefined;
      at = close + 2;
    } else if (c === 0x3d && code.charCodeAt(at + 1) === 0x3e) {
      tokens.push({ start: at, end: at + 2, text: '=>' });
      at += 2;
    } else if (c === 0x28 || c === 0x29 || c === 0x2c || c === 0x2a) {
      tokens.push({ start: at, end: at + 1, text: code[at]! });
      at++;
    } else if (isWordChar(c) && !(c >= 0x30 && c <= 0x39)) {
      const from = at;
      while (at < end && isWordChar(code.charCodeAt(at))) at++;
      // A word running into a character the scan does not know (`\u0061sync`, `é`): the tokenizer's case.
      if (at < end && code.charCodeAt(at) > 0x7e) return undefined;
      tokens.push({ start: from, end: at, text: 'name' });
    } else {
      return undefined;
    }
  }
  return tokens;
}

/** `[A-Za-z0-9_$]`. */
function isWordChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x24;
}

/** The position of the first `=>` token in `code[start, end)`. */
export function arrowToken(code: string, start: number, end: number): { start: number; end: number } | undefined {
  try {
    for (const token of gapTokens(code, start, end)) {
      if (token.text === '=>') return { start: token.start, end: token.end };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** Where the second token of `code[start, end)` starts (after `async`: the parameters). */
export function secondToken(code: string, start: number, end: number): number {
  let seen = 0;
  try {
    for (const token of gapTokens(code, start, end)) {
      if (++seen === 2) return token.start;
    }
  } catch {
    return start;
  }
  return start;
}

/** The position of the last `)` token in `code[start, end)`. */
export function lastClosingParen(code: string, start: number, end: number): number | undefined {
  let close: number | undefined;
  try {
    for (const token of gapTokens(code, start, end)) {
      if (token.text === ')') close = token.start;
    }
  } catch {
    return undefined;
  }
  return close;
}

/** Whether a `label` token (a punctuator) lies in `code[start, end)`. */
export function hasToken(code: string, start: number, end: number, label: string): boolean {
  try {
    for (const token of gapTokens(code, start, end)) {
      if (token.text === label) return true;
    }
  } catch {
    return false;
  }
  return false;
}
