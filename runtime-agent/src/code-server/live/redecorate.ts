/**
 * The classes the app runs whose method decorators a load changed (added, taken out or
 * rewritten; not the class's own decorator): the version hands each to the code server as
 * what runs its method decorators again on the running class, so that a framework that read
 * them at startup can read them again (NestJS's controllers: nest-routes.ts). Until one does,
 * the report's note that a restart applies them stands.
 */
import type { Digest } from './digest';
import { HP } from './instrument';
import { isDecoratorsChangedNote } from './match';
import { KEY_SEPARATOR, type ProgramModel } from './program';
import type { PatchReport } from './patch';

/**
 * The appendix statements that hand over, for each such class, its notes and what decorates it
 * again: `__hotpatch$.redecorate(name, notes, () => Class, () => { …its method decorators… })`.
 * `render(i)`: statement `i` of the new version as the version's code writes it.
 */
export function redecorations(
  model: ProgramModel,
  old: Digest,
  matched: Map<number, number>,
  report: PatchReport,
  render: (index: number) => string,
): string[] {
  const used = new Set(matched.values());
  const changed = new Map<string, boolean>();
  const note = (className: string, member: boolean): void => {
    changed.set(className, (changed.get(className) ?? true) && member);
  };
  model.statements.forEach((s, i) => {
    if (s.decorates && !matched.has(i)) note(s.decorates.className, s.decorates.member);
  });
  old.statements.forEach((s, i) => {
    if (s.decorates && !used.has(i)) note(s.decorates.className, s.decorates.member);
  });
  const appendix: string[] = [];
  for (const [className, onlyMethods] of changed) {
    if (!onlyMethods || !old.classes.has(`${KEY_SEPARATOR}class:${className}`)) continue;
    // No note: its decorators applied as they are (class-validator's rules, see validation-decorators.ts).
    const notes = report.notApplied.filter((n) => isDecoratorsChangedNote(n, className));
    if (notes.length === 0) continue;
    const statements = model.statements.flatMap((s, i) =>
      s.decorates?.className === className && s.decorates.member ? [render(i)] : [],
    );
    appendix.push(
      `${HP}.redecorate(${JSON.stringify(className)},${JSON.stringify(notes)},()=>${HP}.s.${className},()=>{${statements.join('\n')}});`,
    );
  }
  return appendix;
}
