/**
 * The code of a statement or function with its nested bodies left out, for telling whether it
 * changed between two versions. Comments and layout never count as a change: two shapes are
 * equal when their tokens are. Most statements of a saved file are unchanged, so the raw text
 * is compared first and the tokenizer runs only where the raw text differs (tokenizing a whole
 * 20 KB module for every load cost more than parsing it).
 */
import { tokenizer } from 'acorn';

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
    for (const token of tokenizer(code.slice(start, end), { ecmaVersion: 'latest', allowHashBang: true })) {
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

/** The position of the first `=>` token in `code[start, end)`. */
export function arrowToken(code: string, start: number, end: number): { start: number; end: number } | undefined {
  try {
    for (const token of tokenizer(code.slice(start, end), { ecmaVersion: 'latest' })) {
      if (token.type.label === '=>') return { start: token.start + start, end: token.end + start };
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
    for (const token of tokenizer(code.slice(start, end), { ecmaVersion: 'latest' })) {
      if (++seen === 2) return token.start + start;
    }
  } catch {
    return start;
  }
  return start;
}
