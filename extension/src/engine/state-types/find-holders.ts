/**
 * Finds where a module keeps state outside its servers (the contract's *state holders*): its
 * top-level variables (`module`) and the instance fields of each top-level class
 * (`class:<Name>`), its `#private` ones included (by their names, `#notes`), keeping only
 * those whose type is data: the app's own interfaces and classes used as data, arrays, Map,
 * Set, Date, primitives. Functions, classes, imports,
 * constants of primitive types or frozen (code, not state) and values typed by a library in
 * node_modules (an Express app, a NestJS Logger) are left out: nothing a migration converts.
 */
import ts from 'typescript';

/** One variable or field whose value is state. */
export interface HolderFieldSite {
  name: string;
  /** Its declaration's name: where a diagnostic goes. */
  nameNode: ts.Node;
  type: ts.Type;
  /** The written type annotation, when there is one (keeps union order). */
  typeNode: ts.TypeNode | undefined;
}

export interface HolderSite {
  /** `module`, or `class:<Name>`. */
  key: string;
  kind: 'module' | 'class';
  /** The class's name; for `module`, the file's base name. */
  name: string;
  fields: HolderFieldSite[];
  /** The class declaration: its static codeChange goes in its body, its old type above it. */
  classNode: ts.ClassDeclaration | undefined;
  hasCodeChange: boolean;
  /** The codeChange (a function, a method, or what a `codeChange` variable holds), when it has one. */
  codeChange: ts.Node | undefined;
}

export function findHolders(sourceFile: ts.SourceFile, program: ts.Program): HolderSite[] {
  const checker = program.getTypeChecker();
  const isData = (type: ts.Type) => isDataType(type, program);
  const holders: HolderSite[] = [];
  const variables: HolderFieldSite[] = [];
  let moduleCodeChange: ts.Node | undefined;
  for (const statement of sourceFile.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name?.text === 'codeChange') moduleCodeChange = statement;
    if (ts.isVariableStatement(statement) && !hasModifier(statement, ts.SyntaxKind.DeclareKeyword)) {
      const constant = (statement.declarationList.flags & ts.NodeFlags.Const) !== 0;
      for (const declaration of statement.declarationList.declarations) {
        if (!ts.isIdentifier(declaration.name)) continue;
        if (declaration.name.text === 'codeChange') moduleCodeChange = declaration.initializer ?? declaration;
        if (declaration.initializer && isCode(declaration.initializer)) continue;
        const type = checker.getTypeAtLocation(declaration.name);
        // A primitive constant is whatever the code says: the new version's value is the one.
        if (constant && type.flags & PRIMITIVE) continue;
        // So is a frozen one (`as const`, `Object.freeze`: a JSON schema, a table of defaults).
        if (constant && declaration.initializer && isFrozen(declaration.initializer)) continue;
        // And a table of functions (routes by "METHOD /path", commands by name): code, as they are.
        if (constant && isTableOfFunctions(type, checker)) continue;
        if (!isData(type)) continue;
        // An instance of one of the app's classes (`export const store = new Store()`): that
        // class's holder has its fields, and its codeChange converts them; said once, there.
        if (isInstanceOfClass(type)) continue;
        variables.push({ name: declaration.name.text, nameNode: declaration.name, type, typeNode: declaration.type });
      }
    }
    if (ts.isClassDeclaration(statement) && statement.name) holders.push(classHolder(statement, checker, isData));
  }
  const name = sourceFile.fileName.slice(sourceFile.fileName.lastIndexOf('/') + 1);
  const module: HolderSite = {
    key: 'module',
    kind: 'module',
    name,
    fields: variables,
    classNode: undefined,
    hasCodeChange: moduleCodeChange !== undefined,
    codeChange: moduleCodeChange,
  };
  return [module, ...holders].filter((h) => h.fields.length > 0);
}

/** Typed by a class declaration (a library's are not data, see isDataType: this is the app's). */
function isInstanceOfClass(type: ts.Type): boolean {
  const declarations = type.getSymbol()?.getDeclarations() ?? [];
  return declarations.some((d) => ts.isClassDeclaration(d) && d.name !== undefined);
}

function classHolder(
  declaration: ts.ClassDeclaration,
  checker: ts.TypeChecker,
  isData: (type: ts.Type) => boolean,
): HolderSite {
  const fields: HolderFieldSite[] = [];
  let codeChange: ts.Node | undefined;
  for (const member of declaration.members) {
    const isStatic = hasModifier(member, ts.SyntaxKind.StaticKeyword);
    const name =
      member.name &&
      (ts.isIdentifier(member.name) || ts.isStringLiteral(member.name) || ts.isPrivateIdentifier(member.name))
        ? member.name
        : undefined;
    if (isStatic && name?.text === 'codeChange') {
      codeChange = ts.isPropertyDeclaration(member) ? (member.initializer ?? member) : member;
    }
    // Methods, accessors, statics and computed names: not an instance's own data. A #private
    // field is (named `#notes`: the agent reads and writes it from inside the class).
    if (!ts.isPropertyDeclaration(member) || isStatic || !name) continue;
    if (hasModifier(member, ts.SyntaxKind.AbstractKeyword)) continue;
    if (member.initializer && isCode(member.initializer)) continue;
    if (hasModifier(member, ts.SyntaxKind.ReadonlyKeyword) && member.initializer && isFrozen(member.initializer)) {
      continue;
    }
    const symbol = checker.getSymbolAtLocation(name);
    const type = symbol ? checker.getTypeOfSymbol(symbol) : checker.getTypeAtLocation(member);
    if (!isData(type)) continue;
    fields.push({ name: name.text, nameNode: name, type, typeNode: member.type });
  }
  const name = declaration.name!.text;
  const hasCodeChange = codeChange !== undefined;
  return { key: `class:${name}`, kind: 'class', name, fields, classNode: declaration, hasCodeChange, codeChange };
}

/** An object type with properties, every one of them a function or a class. */
function isTableOfFunctions(type: ts.Type, checker: ts.TypeChecker): boolean {
  if (!(type.flags & ts.TypeFlags.Object) || checker.isArrayLikeType(type)) return false;
  const properties = checker.getPropertiesOfType(type);
  return (
    properties.length > 0 &&
    properties.every((property) => {
      const value = checker.getTypeOfSymbol(property);
      return value.getCallSignatures().length > 0 || value.getConstructSignatures().length > 0;
    })
  );
}

const F = ts.TypeFlags;
const PRIMITIVE =
  F.StringLike | F.NumberLike | F.BooleanLike | F.BigIntLike | F.Null | F.Undefined | F.EnumLike | F.ESSymbolLike;

/** Behaviour or a module, not data: functions, classes, `require(...)`, `import(...)`. */
export function isCode(initializer: ts.Expression): boolean {
  let expression = initializer;
  while (
    ts.isParenthesizedExpression(expression) ||
    ts.isAsExpression(expression) ||
    ts.isSatisfiesExpression(expression) ||
    ts.isAwaitExpression(expression)
  ) {
    expression = expression.expression;
  }
  if (ts.isArrowFunction(expression) || ts.isFunctionExpression(expression) || ts.isClassExpression(expression)) {
    return true;
  }
  if (!ts.isCallExpression(expression)) return false;
  const callee = expression.expression;
  return (
    callee.kind === ts.SyntaxKind.ImportKeyword ||
    (ts.isIdentifier(callee) && callee.text === 'require') ||
    (ts.isPropertyAccessExpression(callee) &&
      ts.isIdentifier(callee.expression) &&
      callee.expression.text === 'require')
  );
}

/**
 * A value no code can change: `{ … } as const` (deeply readonly to the checker) or
 * `Object.freeze(…)`. Held by a constant, it is configuration, not state.
 */
export function isFrozen(initializer: ts.Expression): boolean {
  let expression = initializer;
  while (ts.isParenthesizedExpression(expression) || ts.isSatisfiesExpression(expression)) {
    expression = expression.expression;
  }
  if (ts.isAsExpression(expression)) {
    const type = expression.type;
    return ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && type.typeName.text === 'const';
  }
  if (!ts.isCallExpression(expression)) return false;
  const callee = expression.expression;
  return (
    ts.isPropertyAccessExpression(callee) &&
    ts.isIdentifier(callee.expression) &&
    callee.expression.text === 'Object' &&
    callee.name.text === 'freeze'
  );
}

/**
 * The app's data: not any/unknown (nothing known to compare), not callable, and not an
 * instance of something a library in node_modules declares; unions and arrays are looked into.
 */
function isDataType(type: ts.Type, program: ts.Program): boolean {
  if (type.flags & (F.Any | F.Unknown | F.Never | F.ESSymbolLike)) return false;
  if (type.isUnion()) {
    const defined = type.types.filter((t) => !(t.flags & (F.Undefined | F.Null)));
    return defined.length > 0 && defined.every((t) => isDataType(t, program));
  }
  if (type.getCallSignatures().length > 0 || type.getConstructSignatures().length > 0) return false;
  const checker = program.getTypeChecker();
  if (checker.isArrayType(type) || checker.isTupleType(type)) {
    return checker.getTypeArguments(type as ts.TypeReference).every((t) => isDataType(t, program));
  }
  for (const symbol of [type.aliasSymbol, type.getSymbol()]) {
    const files = (symbol?.declarations ?? []).map((d) => d.getSourceFile());
    // Map, Set, Date: built-ins, however many packages augment their interfaces; a Map of
    // route handlers is code all the same.
    if (files.some((file) => program.isSourceFileDefaultLibrary(file))) {
      const isReference = ((type as ts.ObjectType).objectFlags ?? 0) & ts.ObjectFlags.Reference;
      const elements = isReference ? checker.getTypeArguments(type as ts.TypeReference) : [];
      if (!elements.every((t) => isDataType(t, program))) return false;
      continue;
    }
    if (
      files.some((file) => program.isSourceFileFromExternalLibrary(file) || file.fileName.includes('/node_modules/'))
    ) {
      return false;
    }
  }
  return true;
}

export function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((m) => m.kind === kind) ?? false);
}
