/** Where generated code goes in a source text: lines, indentation, commas and declared names. */
import ts from 'typescript';

/** After the comma that follows `position` (a trailing comma the literal already has). */
export function commaAfter(text: string, position: number): number {
  const scanner = ts.createScanner(
    ts.ScriptTarget.Latest,
    true,
    ts.LanguageVariant.Standard,
    text,
    undefined,
    position,
  );
  return scanner.scan() === ts.SyntaxKind.CommaToken ? scanner.getTokenEnd() : position;
}

export function line(sourceFile: ts.SourceFile, position: number): number {
  return sourceFile.getLineAndCharacterOfPosition(position).line;
}

export function lineIndent(text: string, position: number): string {
  const start = text.lastIndexOf('\n', position - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start, position))![0];
}

/** The module already declares a type of this name (a stub written earlier, say). */
export function declaresType(sourceFile: ts.SourceFile, name: string): boolean {
  return sourceFile.statements.some(
    (s) => (ts.isTypeAliasDeclaration(s) || ts.isInterfaceDeclaration(s)) && s.name.text === name,
  );
}

/** `StateV3`, `CatsServiceV3`: a vsn made into an identifier's end. */
export function versionedName(base: string, n: number | string): string {
  return `${base}V${String(n).replace(/[^\w$]/g, '_')}`;
}
