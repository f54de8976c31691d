/**
 * What a new version of a class cannot do to the instances made before it, said in the load's
 * report: a constructor does not run again for them, and a field no longer declared stays on
 * them. (A field the new version adds reaches them: see fields.ts.)
 */
import { fieldStatements, type Digest } from './digest';
import { constructorKey } from './instrument';
import type { PatchReport } from './patch';
import { KEY_SEPARATOR, type ProgramModel } from './program';
import { tokenText, type Hole } from './shape';

export function reportClassChanges(model: ProgramModel, old: Digest, report: PatchReport): void {
  for (const klass of model.classes) {
    const before = old.classes.get(klass.key);
    if (!before || !klass.key.startsWith(`${KEY_SEPARATOR}class:`)) continue;
    const names = new Set(klass.fields.map((f) => f.name));
    for (const name of before.fields.filter((n) => !names.has(n))) {
      report.notApplied.push(
        `${klass.name}.${name} is no longer a field: instances made before this load keep it and its value; restart to drop it`,
      );
    }
    const constructor = model.functions.find((f) => f.member?.owner === klass && f.member.kind === 'constructor');
    const previous = old.functions.get(constructorKey(klass));
    if (!constructor || !previous || previous.own.equals(constructor.own)) continue;
    // Its field assignments are the fields' business (a new one reaches the old instances, a
    // changed value is for new ones): any other change is what the old instances miss.
    const mine = klass.fields.filter((f) => f.assignedIn === constructor.node);
    if (tokensWithout(constructor.own, fieldStatements(mine)) === tokensWithout(previous.own, before.fieldStatements))
      continue;
    report.notApplied.push(
      `${klass.name}'s constructor changed (line ${constructor.line}): instances made before this load were set up ` +
        'by the old one and keep what it did; new instances run the new one; restart to set up the existing ones anew',
    );
  }
}

/** A constructor's tokens without the statements at `cuts`, semicolons aside. */
function tokensWithout(
  own: { code: string; start: number; end: number; holes: readonly Hole[] },
  cuts: Array<readonly [number, number]>,
): string {
  const parts: string[] = [];
  let at = own.start;
  const inside = cuts.filter(([start, end]) => start >= own.start && end <= own.end).sort((a, b) => a[0] - b[0]);
  for (const [start, end] of [...inside, [own.end, own.end] as const]) {
    const holes = own.holes.filter(([s, e]) => s >= at && e <= start);
    const text = tokenText(own.code, at, start, holes);
    if (text !== '') parts.push(text);
    at = end;
  }
  return withoutSemicolons(parts.join(' '));
}

/** Minified code ends a block's last statement without one: a statement cut before it leaves one more. */
function withoutSemicolons(tokens: string): string {
  return tokens
    .split(' ')
    .filter((token) => token !== ';')
    .join(' ');
}
