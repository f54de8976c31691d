/**
 * Which statements of a new version are those of the running one (the same code, comments
 * and layout aside), and what of the running one is gone: reported as undone (routes taken
 * back), or as what cannot be undone in place.
 */
import { summaryOf, type Digest } from './digest';
import type { PatchReport } from './patch';
import type { ProgramModel } from './program';
import type { Shape } from './shape';

/** New statements matched to an old one with the same shape (new index → old index), in order; the rest are new. */
export function matchStatements(
  old: Digest,
  model: ProgramModel,
  registered: (index: number) => boolean,
  report: PatchReport,
  /** Old statements never matched: they run again (their registrations are taken back). */
  rerun: (index: number) => boolean = () => false,
): Map<number, number> {
  const matched = new Map<number, number>();
  const used = new Set<number>();
  // The raw text first (most statements of a save are untouched), then tokens for the rest.
  for (const text of [(s: { shape: Shape }) => s.shape.raw, (s: { shape: Shape }) => s.shape.tokens]) {
    const queues = new Map<string, number[]>();
    old.statements.forEach((s, i) => {
      if (used.has(i) || rerun(i)) return;
      const queue = queues.get(text(s)) ?? [];
      queue.push(i);
      queues.set(text(s), queue);
    });
    model.statements.forEach((s, i) => {
      if (matched.has(i)) return;
      const oldIndex = queues.get(text(s))?.shift();
      if (oldIndex !== undefined) {
        matched.set(i, oldIndex);
        used.add(oldIndex);
      }
    });
  }
  // Decorator calls whose decorators are the same, their design-type metadata aside (see decorators.ts).
  const byDecorators = new Map<string, number[]>();
  old.statements.forEach((s, i) => {
    if (used.has(i) || rerun(i) || !s.decorates) return;
    byDecorators.set(s.decorates.key, [...(byDecorators.get(s.decorates.key) ?? []), i]);
  });
  model.statements.forEach((s, i) => {
    const oldIndex = s.decorates && !matched.has(i) ? byDecorators.get(s.decorates.key)?.shift() : undefined;
    if (oldIndex === undefined) return;
    matched.set(i, oldIndex);
    used.add(oldIndex);
  });
  const decoratedNow = new Set(
    model.statements.flatMap((s, i) => (s.decorates && !matched.has(i) ? [s.decorates.className] : [])),
  );
  const declaredNow = new Set(model.statements.flatMap((s) => s.declares));
  // A changed `x.y = value;` overwrites what the old one assigned: nothing of it stays.
  const assignedNow = new Set(
    model.statements.flatMap((s, i) => (s.assigns !== undefined && !matched.has(i) ? [s.assigns] : [])),
  );
  const filledNow = new Map(
    model.statements.flatMap((s, i) =>
      s.fills && !matched.has(i) ? [[s.fills.target, new Set(s.fills.members)]] : [],
    ),
  );
  old.statements.forEach((s, i) => {
    if (used.has(i) || s.exportNames || s.declarationOnly) return;
    if (s.decorates) {
      // Said once per class, by the new decorator statement when there is one (see patch.ts).
      if (!decoratedNow.has(s.decorates.className))
        report.notApplied.push(decoratorsChanged(s.decorates.className, s.line));
      return;
    }
    if (s.assigns !== undefined && assignedNow.has(s.assigns)) return;
    // A changed enum sets again every member this one did (enum-filling.ts).
    if (s.fills && s.fills.members.every((key) => filledNow.get(s.fills!.target)?.has(key))) return;
    if (s.declares.length > 0 && s.declares.every((n) => declaredNow.has(n))) return; // changed, not removed
    if (s.declaration === 'function' || s.declaration === 'class') {
      if (s.declares.length > 0)
        report.notApplied.push(
          `${s.declares[0]} (line ${s.line}) was removed: code that holds it keeps calling its old version until restart`,
        );
      return;
    }
    if (registered(i)) {
      report.undone.push(undoneLine(s));
      return;
    }
    report.notApplied.push(`${removedStatementNote(s.line)} (${summaryOf(s.shape)}) ${CANNOT_UNDO}`);
  });
  return matched;
}

const CANNOT_UNDO = 'was removed or changed: its effect cannot be undone in place; restart to drop it';

/** How the note on a removed or changed statement of line `line` begins. */
function removedStatementNote(line: number): string {
  return `the statement at line ${line}`;
}

/**
 * Takes back the note that the running version's statement at `line` was removed or changed,
 * for a statement whose effect the load did carry over after all (a supervision tree its new
 * code updated in place, see processes/supervision/trees.ts).
 */
export function forgetRemovedStatement(report: PatchReport, line: number): void {
  const begins = `${removedStatementNote(line)} (`;
  const at = report.notApplied.findIndex((note) => note.startsWith(begins) && note.endsWith(CANNOT_UNDO));
  if (at >= 0) report.notApplied.splice(at, 1);
}

/**
 * esbuild writes an ES module's exports as `var x_exports = {}; __export(x_exports, { a: () => a });
 * module.exports = __toCommonJS(x_exports);`. When the `__export` call changes (an export
 * added or removed), its getters cannot be defined again on the running object: the object
 * and `module.exports` are made anew with it, so they are taken out of the kept statements.
 * Returns the `__export` call and the `module.exports` assignment that run again: esbuild's, not
 * statements of the user's to report (the report names the export added).
 */
export function remakeChangedExports(model: ProgramModel, matched: Map<number, number>): Set<number> {
  const remade = new Set<string>();
  const plumbing = new Set<number>();
  model.statements.forEach((s, i) => {
    // `assigns` of an `__export(target, …)` call is `__export target` (see reader.ts).
    if (!matched.has(i) && s.assigns?.startsWith('__export ')) {
      remade.add(s.assigns.slice('__export '.length));
      plumbing.add(i);
    }
  });
  if (remade.size === 0) return plumbing;
  model.statements.forEach((s, i) => {
    if (s.declares.some((n) => remade.has(n)) || s.assigns === 'module . exports') matched.delete(i);
    if (s.assigns === 'module . exports') plumbing.add(i);
  });
  return plumbing;
}

const DECORATORS_CHANGED =
  ': its decorators changed, and frameworks read decorators when the app starts ' +
  '(NestJS routes and pipes, for example): restart to apply them';

/** A changed decorator of a class the app runs: frameworks read decorators once, as the app starts. */
export function decoratorsChanged(className: string, line: number): string {
  return `${className} (line ${line})${DECORATORS_CHANGED}`;
}

/** Whether `note` is the note of decoratorsChanged on `className`. */
export function isDecoratorsChangedNote(note: string, className: string): boolean {
  return note.startsWith(`${className} (line `) && note.endsWith(DECORATORS_CHANGED);
}

/** The report's line for a running statement whose registrations a load takes back. */
export function undoneLine(statement: { line: number; shape: Shape }): string {
  return `line ${statement.line}: ${summaryOf(statement.shape)}`;
}
