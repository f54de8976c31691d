/**
 * What a top-level statement exports: the declaration inside an `export`, the names it exports,
 * and esbuild's ways of writing CommonJS exports (`__export(…)`, the `0 && (module.exports = …)` annotation).
 */
import type { Identifier } from 'acorn';
import { names } from './program';
import { moduleExportName, type AnyNode } from './walk';

/** The declaration an `export` statement declares, when it declares one with a name. */
export function exportedDeclaration(node: AnyNode): AnyNode | undefined {
  if (node.type !== 'ExportNamedDeclaration' && node.type !== 'ExportDefaultDeclaration') return undefined;
  const declaration = node.declaration as AnyNode | null | undefined;
  if (!declaration) return undefined;
  if (declaration.type === 'VariableDeclaration') return declaration;
  if (declaration.type === 'FunctionDeclaration' || declaration.type === 'ClassDeclaration')
    return declaration.id ? declaration : undefined;
  return undefined;
}

/** What an ES module statement exports: export name → the module binding it reads (none for a default expression or a re-export). */
export function exportedNames(node: AnyNode, declaration: AnyNode | undefined): Array<[string, string | undefined]> {
  const own = (names: string[]): Array<[string, string]> => names.map((n) => [n, n]);
  switch (node.type) {
    case 'ExportDefaultDeclaration':
      return [['default', declaration?.id ? (declaration.id as Identifier).name : undefined]];
    case 'ExportAllDeclaration':
      // `*`: names this module re-exports from another as they are (read from its namespace).
      return [[node.exported ? moduleExportName(node.exported as AnyNode) : '*', undefined]];
    case 'ExportNamedDeclaration':
      if (!declaration)
        return (node.specifiers as AnyNode[]).map((s) => [
          moduleExportName(s.exported as AnyNode),
          node.source ? undefined : moduleExportName(s.local as AnyNode),
        ]);
      if (declaration.type === 'VariableDeclaration')
        return own((declaration.declarations as AnyNode[]).flatMap((d) => names(d.id as AnyNode)));
      return declaration.id ? own([(declaration.id as Identifier).name]) : [];
    default:
      return [];
  }
}

/** esbuild's `__export(target, { a: () => a })`: the name of the target. */
export function esbuildExportTarget(node: AnyNode): string | undefined {
  const call = node.type === 'ExpressionStatement' ? (node.expression as AnyNode) : undefined;
  if (call?.type !== 'CallExpression' || (call.callee as AnyNode).name !== '__export') return undefined;
  const [target] = call.arguments as AnyNode[];
  return target?.type === 'Identifier' ? String(target.name) : undefined;
}

/** esbuild's `0 && (module.exports = { … })`: never runs; it names the exports for Node's CommonJS lexer. */
export function isExportAnnotation(node: AnyNode): boolean {
  const expression = node.type === 'ExpressionStatement' ? (node.expression as AnyNode) : undefined;
  if (expression?.type !== 'LogicalExpression' || expression.operator !== '&&') return false;
  const left = expression.left as AnyNode;
  return left.type === 'Literal' && left.value === 0;
}
