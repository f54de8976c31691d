/**
 * Text edits over one version's code, rendered for any range of it. The same range can be
 * rendered in two contexts (a function inside its enclosing function's new body, and alone
 * with its closure variables read from an environment), so edits are kept as data and applied
 * per render rather than to one output string.
 */

export interface Edit {
  /** Replaced range; an insertion has `start === end`. */
  start: number;
  end: number;
  text: string;
  /** The node the edit belongs to: a render includes the edits of the nodes inside its range. */
  owner: { start: number; end: number };
  /** An insertion that closes something opened at the owner's start. */
  closing?: boolean;
  /** Among edits of the same owner at one position, a wrapper around the others (higher: further out). */
  wraps?: number;
}

export class Edits {
  readonly #edits: Edit[] = [];

  insert(at: number, text: string, owner: { start: number; end: number }, closing = false): Edit {
    const edit = { start: at, end: at, text, owner, closing };
    this.#edits.push(edit);
    return edit;
  }

  replace(start: number, end: number, text: string): void {
    this.#edits.push({ start, end, text, owner: { start, end } });
  }

  /** `code[start, end)` with the edits of the nodes inside it, and `extra`, applied; `skip` left out. */
  render(code: string, start: number, end: number, extra: Edit[] = [], skip?: ReadonlySet<Edit>): Mapped {
    const inside = (e: Edit): boolean => e.owner.start >= start && e.owner.end <= end && !skip?.has(e);
    const edits = [...this.#edits.filter(inside), ...extra.filter(inside)].sort(compareEdits);
    const out = new Mapped();
    let at = start;
    for (const edit of edits) {
      if (edit.start < at) continue; // would overlap an earlier replacement; never produced
      out.copy(code, at, edit.start).add(edit.text);
      at = edit.end;
    }
    return out.copy(code, at, end);
  }
}

/**
 * Generated text that remembers which stretches were copied from the source, so a position
 * in it (an error's line and column) can be taken back to the source the user wrote.
 */
export class Mapped {
  text = '';
  /** Stretches copied from the source: output offset, source offset, length. */
  readonly #copied: Array<[number, number, number]> = [];

  /** Text of our own (a prologue, a wrapper): it maps to where it was inserted. */
  add(text: string): this {
    this.text += text;
    return this;
  }

  copy(code: string, start: number, end: number): this {
    if (end > start) this.#copied.push([this.text.length, start, end - start]);
    this.text += code.slice(start, end);
    return this;
  }

  /** The source's text as spaces (line breaks kept): a statement not run again. */
  blank(code: string, start: number, end: number): this {
    if (end > start) this.#copied.push([this.text.length, start, end - start]);
    this.text += blank(code.slice(start, end));
    return this;
  }

  append(other: Mapped): this {
    for (const [out, source, length] of other.#copied) this.#copied.push([out + this.text.length, source, length]);
    this.text += other.text;
    return this;
  }

  /** The source offset of output offset `at`: inside a copied stretch exactly, else where the inserted text began. */
  sourceOffset(at: number): number | undefined {
    let found: [number, number, number] | undefined;
    for (const stretch of this.#copied) {
      if (stretch[0] > at) break;
      found = stretch;
    }
    if (!found) return undefined;
    const [out, source, length] = found;
    return at < out + length ? source + (at - out) : source + length;
  }
}

/**
 * Position order. At one position: closings (inner ones first), then openings (outer ones
 * first), then the replacement of the text that starts there.
 */
function compareEdits(a: Edit, b: Edit): number {
  if (a.start !== b.start) return a.start - b.start;
  const rank = (e: Edit): number => (e.closing ? 0 : e.end > e.start ? 2 : 1);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  // Outer first when opening, inner first when closing: by the owner's size, then by `wraps`.
  const outer = (e: Edit): number => (e.owner.end - e.owner.start) * 4 + (e.wraps ?? 0);
  return a.closing ? outer(a) - outer(b) : outer(b) - outer(a);
}

/** Spaces for `text`, keeping its line breaks, so what follows stays on its line. */
export function blank(text: string): string {
  let out = '';
  let at = 0;
  for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', at)) {
    const crlf = newline > at && text[newline - 1] === '\r';
    out += ' '.repeat(newline - at - (crlf ? 1 : 0)) + (crlf ? '\r\n' : '\n');
    at = newline + 1;
  }
  return out + ' '.repeat(text.length - at);
}
