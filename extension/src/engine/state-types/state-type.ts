/**
 * Which type is a server's state: the type argument of `defineServer<State, ...>(...)`, else
 * the module's exported `State` type or interface (defineServer's State is then inferred, and
 * the convention is that it is that one).
 */
import ts from 'typescript';
import type { ServerSite } from './find-servers';

export interface StateType {
  type: ts.Type;
  /** Where the type is written (keeps the written order of unions). */
  node: ts.TypeNode | undefined;
  /** `State`, `VisitsState`, `agent.State`; `State` for an inline type. */
  name: string;
  /** How code in this module can write the type (the type argument's text, or `State`). */
  text: string;
  /** Where a diagnostic goes: the declaration's name when declared here, else the type argument. */
  anchor: ts.Node;
}

export function stateTypeOf(
  site: ServerSite,
  sourceFile: ts.SourceFile,
  checker: ts.TypeChecker,
): StateType | undefined {
  const node = site.stateNode;
  if (node) {
    const reference = ts.isTypeReferenceNode(node) ? node : undefined;
    return {
      type: checker.getTypeFromTypeNode(node),
      node,
      name: reference ? reference.typeName.getText(sourceFile) : 'State',
      text: node.getText(sourceFile),
      anchor: (reference && localDeclarationName(reference.typeName, sourceFile, checker)) ?? node,
    };
  }
  return exportedState(sourceFile, checker);
}

function exportedState(sourceFile: ts.SourceFile, checker: ts.TypeChecker): StateType | undefined {
  const module = checker.getSymbolAtLocation(sourceFile);
  const exported = module && checker.getExportsOfModule(module).find((s) => s.name === 'State');
  if (!exported) return undefined;
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  if (!(symbol.flags & ts.SymbolFlags.Type)) return undefined;
  const alias = symbol.declarations?.find(ts.isTypeAliasDeclaration);
  const here = exported.declarations?.find((d) => d.getSourceFile() === sourceFile);
  return {
    type: checker.getDeclaredTypeOfSymbol(symbol),
    node: alias?.type,
    name: 'State',
    text: 'State',
    anchor: (here && ts.getNameOfDeclaration(here)) ?? sourceFile,
  };
}

/** The name in `interface State` / `type State =` when that declaration is in this file. */
function localDeclarationName(
  name: ts.EntityName,
  sourceFile: ts.SourceFile,
  checker: ts.TypeChecker,
): ts.Node | undefined {
  const declarations = checker.getSymbolAtLocation(name)?.declarations ?? [];
  const local = declarations.find(
    (d) =>
      d.getSourceFile() === sourceFile &&
      (ts.isInterfaceDeclaration(d) ||
        ts.isTypeAliasDeclaration(d) ||
        ts.isClassDeclaration(d) ||
        ts.isEnumDeclaration(d)),
  );
  return local && ts.getNameOfDeclaration(local);
}
