/**
 * Finds the servers a module defines: its `defineServer(...)` calls in source order, which is
 * the order their definitions run at the top level, and so the order that names keyless
 * servers `server0`, `server1`, ... (see runtime-agent's define-server.ts).
 */
import ts from 'typescript';

export interface ServerSite {
  /** The spec's `key` when it is a known string, else `server<index>`. */
  key: string;
  call: ts.CallExpression;
  /** The spec object literal (also through `const spec = {...}; defineServer(spec)`). */
  spec: ts.ObjectLiteralExpression | undefined;
  /** The top-level statement holding the call: a stub's old type goes above it. */
  statement: ts.Statement;
  /** `State` in `defineServer<State, ...>`, when written. */
  stateNode: ts.TypeNode | undefined;
  hasCodeChange: boolean;
  /**
   * The spec's own `codeChange` property (a method, or a property whose value is written
   * there): what the agent runs, compared by its code across versions. Absent where it comes
   * from elsewhere (a shorthand, a spread).
   */
  codeChange?: ts.MethodDeclaration | ts.PropertyAssignment;
}

export function findServers(sourceFile: ts.SourceFile, checker: ts.TypeChecker): ServerSite[] {
  const names = defineServerNames(sourceFile);
  const sites: ServerSite[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && isDefineServer(node.expression, names)) {
      sites.push(site(node, sites.length, checker));
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return sites;
}

/** `defineServer` and the local names it is imported under (`import { defineServer as ds }`). */
export function defineServerNames(sourceFile: ts.SourceFile): Set<string> {
  const names = new Set(['defineServer']);
  for (const statement of sourceFile.statements) {
    const bindings = ts.isImportDeclaration(statement) ? statement.importClause?.namedBindings : undefined;
    if (!bindings || !ts.isNamedImports(bindings)) continue;
    for (const element of bindings.elements) {
      if ((element.propertyName ?? element.name).text === 'defineServer') names.add(element.name.text);
    }
  }
  return names;
}

export function isDefineServer(callee: ts.Expression, names: Set<string>): boolean {
  if (ts.isIdentifier(callee)) return names.has(callee.text);
  // `agent.defineServer(...)` through a namespace import or require.
  return ts.isPropertyAccessExpression(callee) && callee.name.text === 'defineServer';
}

function site(call: ts.CallExpression, index: number, checker: ts.TypeChecker): ServerSite {
  const argument = call.arguments[0];
  const spec = argument && objectLiteral(argument, checker);
  let statement: ts.Node = call;
  while (!ts.isSourceFile(statement.parent)) statement = statement.parent;
  return {
    key: (spec && knownKey(spec, checker)) ?? `server${index}`,
    call,
    spec,
    statement: statement as ts.Statement,
    stateNode: call.typeArguments?.[0],
    hasCodeChange: !!argument && hasProperty(spec, argument, 'codeChange', checker),
    codeChange: spec && ownCodeChange(spec),
  };
}

/**
 * `codeChange(from, state) { … }` or `codeChange: (from, state) => …` in `spec` itself; not one
 * naming a function written elsewhere (`codeChange: migrate`), whose code this property is not.
 */
function ownCodeChange(spec: ts.ObjectLiteralExpression): ts.MethodDeclaration | ts.PropertyAssignment | undefined {
  for (const property of spec.properties) {
    if (!ts.isMethodDeclaration(property) && !ts.isPropertyAssignment(property)) continue;
    const { name } = property;
    if (!(ts.isIdentifier(name) || ts.isStringLiteral(name)) || name.text !== 'codeChange') continue;
    if (ts.isMethodDeclaration(property)) return property;
    const value = unwrap(property.initializer);
    return ts.isArrowFunction(value) || ts.isFunctionExpression(value) ? property : undefined;
  }
  return undefined;
}

/** The spec literal behind an argument: written inline, or a const initialized with one. */
function objectLiteral(expression: ts.Expression, checker: ts.TypeChecker): ts.ObjectLiteralExpression | undefined {
  const inner = unwrap(expression);
  if (ts.isObjectLiteralExpression(inner)) return inner;
  if (!ts.isIdentifier(inner)) return undefined;
  const declaration = checker.getSymbolAtLocation(inner)?.valueDeclaration;
  if (declaration && ts.isVariableDeclaration(declaration) && declaration.initializer) {
    const initializer = unwrap(declaration.initializer);
    return ts.isObjectLiteralExpression(initializer) ? initializer : undefined;
  }
  return undefined;
}

/** `key: 'visits'` or `key: KEY` with `const KEY = 'visits'`: a string the checker knows. */
function knownKey(spec: ts.ObjectLiteralExpression, checker: ts.TypeChecker): string | undefined {
  for (const property of spec.properties) {
    if (!property.name || !ts.isIdentifier(property.name) || property.name.text !== 'key') continue;
    let type: ts.Type | undefined;
    if (ts.isPropertyAssignment(property)) type = checker.getTypeAtLocation(property.initializer);
    else if (ts.isShorthandPropertyAssignment(property)) {
      const value = checker.getShorthandAssignmentValueSymbol(property);
      type = value && checker.getTypeOfSymbol(value);
    }
    return type?.isStringLiteral() ? type.value : undefined;
  }
  return undefined;
}

/** `(spec)`, `spec as X`, `spec satisfies X`, `spec!`: the expression inside. */
function unwrap(expression: ts.Expression): ts.Expression {
  while (
    ts.isParenthesizedExpression(expression) ||
    ts.isAsExpression(expression) ||
    ts.isSatisfiesExpression(expression) ||
    ts.isNonNullExpression(expression)
  ) {
    expression = expression.expression;
  }
  return expression;
}

/**
 * Read off the literal when it has no spreads; else through the type, so `{ ...base, init }`
 * counts too. (The type of a literal means inferring its handlers' return types: a walk of
 * every handler body, the bulk of an analysis, avoided when the syntax answers.)
 */
function hasProperty(
  spec: ts.ObjectLiteralExpression | undefined,
  argument: ts.Expression,
  name: string,
  checker: ts.TypeChecker,
): boolean {
  if (spec && !spec.properties.some(ts.isSpreadAssignment)) {
    return spec.properties.some(
      (p) => p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === name,
    );
  }
  return checker.getTypeAtLocation(argument).getProperty(name) !== undefined;
}
