import type { Identifier } from 'acorn';
import type { ProgramModel } from './program';
import type { AnyNode } from './walk';

/**
 * For every resolved reference, where its variable is declared: a module binding, or the
 * range of the scope that declares it. A top-level class's own name inside its body counts
 * as the module binding, so a patched method reads the class instances have.
 */
export function resolutions(model: ProgramModel): Map<Identifier, { start: number; end: number; isModule: boolean }> {
  const map = new Map<Identifier, { start: number; end: number; isModule: boolean }>();
  const topClasses = new Set(model.statements.filter((s) => s.declaration === 'class').map((s) => s.node));
  for (const scope of model.scopes.scopes) {
    for (const reference of scope.references) {
      const variable = reference.resolved;
      if (!variable || map.has(reference.identifier)) continue;
      const owner = variable.scope;
      const isModule =
        owner === model.moduleScope ||
        (owner.type === 'class' && topClasses.has(owner.block as AnyNode) && model.bindings.has(variable.name));
      map.set(reference.identifier, { start: owner.block.start, end: owner.block.end, isModule });
    }
  }
  return map;
}
