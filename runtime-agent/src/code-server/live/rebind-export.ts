/**
 * A framework's ES module whose export the agent hands on adapted (Hono's HonoBase: see
 * hono-routes.ts). An ES module's namespace is read-only, so the export is adapted through the
 * module's own binding, from a statement the agent appends to the module (frameworkModuleCode
 * in registrations.ts): that binding is found here, from the module's syntax.
 */
import type { Program } from 'acorn';
import { acorn } from './parsers';
import { moduleExportName, type AnyNode } from './walk';

/**
 * The name of the module-scope binding `code` exports as `exported`, when the module may assign
 * it (declared by `var`, `let`, `function` or `class`); undefined otherwise, or if `code` cannot
 * be read.
 */
export function assignableExportLocal(code: string, exported: string): string | undefined {
  let program: Program;
  try {
    program = acorn().Parser.parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
  } catch {
    return undefined;
  }
  const body = program.body as AnyNode[];
  const local = body
    .filter((statement) => statement.type === 'ExportNamedDeclaration' && !statement.source)
    .flatMap((statement) => statement.specifiers as AnyNode[])
    .find((specifier) => moduleExportName(specifier.exported as AnyNode) === exported)?.local as AnyNode | undefined;
  if (!local) return undefined;
  const name = moduleExportName(local);
  const assignable = body.some((statement) => {
    if (statement.type === 'VariableDeclaration' && statement.kind !== 'const') {
      return (statement.declarations as AnyNode[]).some(
        (d) => (d.id as AnyNode).type === 'Identifier' && (d.id as AnyNode).name === name,
      );
    }
    const declared = statement.type === 'ClassDeclaration' || statement.type === 'FunctionDeclaration';
    return declared && (statement.id as AnyNode | null)?.name === name;
  });
  return assignable ? name : undefined;
}
