/**
 * Whether a module can declare state at all, read from its syntax alone: one parse, no
 * program and no type checker. State is what findServers and findHolders find: a
 * `defineServer(...)` call, a top-level variable that may hold data, a top-level class with
 * instance fields. A module with none of these (most routes, handlers and helpers) needs no
 * state-type analysis, which spares its save the program and checker update the analysis
 * costs (≈18 ms a save; the first one ever, seconds). The test errs towards yes: for what it
 * lets through, the analysis with types decides.
 */
import ts from 'typescript';
import { hasModifier, isCode, isFrozen } from './find-holders';
import { defineServerNames, isDefineServer } from './find-servers';

export function mayHoldState(fileName: string, text: string): boolean {
  return mayHoldStateIn(ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, false), text);
}

/** mayHoldState of a file already parsed (`text` is its text). */
export function mayHoldStateIn(sourceFile: ts.SourceFile, text: string): boolean {
  return sourceFile.statements.some(mayHoldData) || definesServer(sourceFile, text);
}

/** A top-level statement that findHolders could take as state, whatever the types say. */
function mayHoldData(statement: ts.Statement): boolean {
  if (ts.isVariableStatement(statement)) {
    if (hasModifier(statement, ts.SyntaxKind.DeclareKeyword)) return false;
    const constant = (statement.declarationList.flags & ts.NodeFlags.Const) !== 0;
    return statement.declarationList.declarations.some(
      (declaration) =>
        ts.isIdentifier(declaration.name) &&
        !(declaration.initializer && isCode(declaration.initializer)) &&
        // A constant of a primitive literal, or frozen, is code: the new version's value is the one.
        !(
          constant &&
          declaration.initializer &&
          (isPrimitiveLiteral(declaration.initializer) || isFrozen(declaration.initializer))
        ),
    );
  }
  if (ts.isClassDeclaration(statement) && statement.name) {
    return statement.members.some(
      (member) =>
        ts.isPropertyDeclaration(member) &&
        !hasModifier(member, ts.SyntaxKind.StaticKeyword) &&
        !hasModifier(member, ts.SyntaxKind.AbstractKeyword) &&
        (ts.isIdentifier(member.name) || ts.isStringLiteral(member.name) || ts.isPrivateIdentifier(member.name)) &&
        !(member.initializer && isCode(member.initializer)),
    );
  }
  return false;
}

function isPrimitiveLiteral(expression: ts.Expression): boolean {
  if (ts.isParenthesizedExpression(expression)) return isPrimitiveLiteral(expression.expression);
  if (ts.isPrefixUnaryExpression(expression)) return isPrimitiveLiteral(expression.operand);
  return (
    ts.isStringLiteral(expression) ||
    ts.isNoSubstitutionTemplateLiteral(expression) ||
    ts.isTemplateExpression(expression) ||
    ts.isNumericLiteral(expression) ||
    ts.isBigIntLiteral(expression) ||
    expression.kind === ts.SyntaxKind.TrueKeyword ||
    expression.kind === ts.SyntaxKind.FalseKeyword ||
    expression.kind === ts.SyntaxKind.NullKeyword
  );
}

function definesServer(sourceFile: ts.SourceFile, text: string): boolean {
  // A call of defineServer names it, or imports it under another name, in the code's text: its
  // name written out or with a \u escape. Without either, no walk through every node (≈3 ms
  // for a 500-line module) can find one.
  if (!text.includes('defineServer') && !text.includes('\\u')) return false;
  const names = defineServerNames(sourceFile);
  const visit = (node: ts.Node): boolean =>
    (ts.isCallExpression(node) && isDefineServer(node.expression, names)) || (ts.forEachChild(node, visit) ?? false);
  return visit(sourceFile);
}
