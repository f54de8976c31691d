/**
 * What a nested function's closure can hand a newer body of it (LiveFunction.shares): the
 * variables it uses (`env`), and those of the scopes between it and the function it is nested
 * in (that one's own included) that some function made there captures. V8 keeps a captured
 * variable in its scope's context, which every closure made in that scope holds already:
 * naming it in the prologue keeps nothing alive that was not, and the variables nobody
 * captured stay on the stack. So a connection's heartbeat timer, edited to write the
 * subscriber its close listener removes, takes its new body in the running closure.
 *
 * Past the enclosing function nothing more is named: a new body of that function, evaluated
 * on its own, has only the environment it was given (render-function.ts).
 */
import type { ScopeManager, Scope, Variable } from 'eslint-scope';
import type { AnyNode } from './walk';

export function sharedVariables(
  scopes: ScopeManager,
  moduleScope: Scope,
  node: AnyNode,
  enclosing: AnyNode,
  env: string[],
): string[] {
  // The function's own scope, not the one a named function expression's name is bound in.
  const own = scopes.acquire(node, true);
  if (!own || own.dynamic) return env;
  const shares = new Set(env);
  // Where the prologue runs, the function's own names hide the enclosing ones, and nearer
  // scopes' names hide farther ones.
  const hidden = new Set(own.variables.map((v) => v.name));
  for (let scope = own.upper; scope && scope !== moduleScope; scope = scope.upper) {
    for (const variable of scope.variables) {
      if (hidden.has(variable.name)) continue;
      hidden.add(variable.name);
      // An arrow's `arguments` is its function's; in the environment's getter it would be the getter's.
      if (variable.name !== 'arguments' && isCaptured(variable)) shares.add(variable.name);
    }
    if (scope.block === enclosing && scope.type === 'function') break;
  }
  return [...shares];
}

/** Whether a function other than the one declaring `variable` uses it: V8 then keeps it in a context. */
function isCaptured(variable: Variable): boolean {
  return variable.references.some((reference) => reference.from.variableScope !== variable.scope.variableScope);
}
