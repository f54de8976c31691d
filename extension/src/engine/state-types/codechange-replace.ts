/**
 * "Generate migration" where the holder already has a codeChange: the one the running version
 * has, written for an earlier change of its type. The agent runs a codeChange in the load that
 * brings it, so that one has done its work: it converted the version that ran before it, which
 * runs nowhere now, and its conversion is typed for the type as it was then (kept beside the new
 * one it would no longer type-check). So the new codeChange takes its place, and the old
 * versions' types that only it named go with it.
 *
 * A server's codeChange runs at every load; one the running version has, whose result the
 * agent found does not fit the new state type, was written for an earlier change too, and is
 * replaced the same way (save-pipeline.ts asks for it).
 */
import ts from 'typescript';
import type { TextEdit } from './types';

/** A codeChange the stub replaces: what it was declared by (a statement, a class member, a spec's property). */
export interface ReplacedCodeChange {
  declaration: ts.Node;
}

/**
 * A codeChange as the agent tells its versions apart: the tokens of its JavaScript, without
 * types, comments or layout (a load runs a codeChange when its code differs from the running
 * one's: holder-migration.ts). Fixing only its types or comments does not make it run again.
 */
export function codeChangeIdentity(sourceFile: ts.SourceFile, node: ts.Node): string {
  const text = node.getText(sourceFile);
  // Compiled on its own, as what it is: a declaration, a class's member, a variable's value, a
  // property of a server's spec.
  const source = ts.isClassElement(node)
    ? `class C {\n${text}\n}`
    : ts.isFunctionDeclaration(node)
      ? text
      : ts.isVariableDeclaration(node)
        ? `let ${text};`
        : ts.isPropertyAssignment(node)
          ? `({\n${text}\n});`
          : `(${text});`;
  const javascript = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, removeComments: true },
    fileName: sourceFile.fileName,
  }).outputText;
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, javascript);
  const tokens: string[] = [];
  while (scanner.scan() !== ts.SyntaxKind.EndOfFileToken) tokens.push(scanner.getTokenText());
  return tokens.join(' ');
}

/**
 * `node`, the holder's codeChange (or a server's, a property of its spec), as one to replace:
 * when it is the running version's (`running`, its codeChangeIdentity). One the user changed
 * since is theirs to finish, and the load will run it: it stays (so does the stub just written,
 * on a second ask).
 */
export function codeChangeToReplace(
  sourceFile: ts.SourceFile,
  node: ts.Node,
  running: string | undefined,
): ReplacedCodeChange | undefined {
  if (running === undefined || codeChangeIdentity(sourceFile, node) !== running) return undefined;
  let declaration: ts.Node = node;
  while (
    !ts.isSourceFile(declaration.parent) &&
    !ts.isClassLike(declaration.parent) &&
    !ts.isObjectLiteralExpression(declaration.parent)
  )
    declaration = declaration.parent;
  // `const a = 1, codeChange = …`: the statement is more than the codeChange, and stays.
  if (ts.isVariableStatement(declaration) && declaration.declarationList.declarations.length > 1) return undefined;
  return { declaration };
}

/**
 * The module's type aliases that the replaced codeChange names and nothing else does
 * (`type VariablesV3 = …`, written with it): they go with it. A stub whose old type has the
 * name of one of them writes its own in its place: that one is an earlier version's, of an app
 * that restarted since and counts its versions anew.
 */
export function aliasesOnlyItNames(sourceFile: ts.SourceFile, replaced: ReplacedCodeChange): Set<string> {
  const { declaration } = replaced;
  const going = new Set<string>();
  for (const alias of sourceFile.statements) {
    if (!ts.isTypeAliasDeclaration(alias)) continue;
    const name = alias.name.text;
    if (names(declaration, name) && !names(sourceFile, name, [declaration, alias])) going.add(name);
  }
  return going;
}

/**
 * The edits that put `replacement` where `replaced` is declared (at its doc comment, if it has
 * one; `replacement` starts at that line's indentation) and take out the aliases only it names
 * (aliasesOnlyItNames), except `keep` (the one the new stub names, when it is not written anew).
 * Only what is the codeChange's own goes: not a comment above its doc comment (a JavaScript
 * stub's `@typedef` of the old type stays, unused), nor an alias named anywhere else.
 */
export function replacementEdits(
  sourceFile: ts.SourceFile,
  replaced: ReplacedCodeChange,
  replacement: string,
  keep: string | undefined,
): TextEdit[] {
  const { declaration } = replaced;
  const text = sourceFile.text;
  const doc = ts.getLeadingCommentRanges(text, declaration.getFullStart())?.at(-1);
  const start = doc && text.startsWith('/**', doc.pos) ? doc.pos : declaration.getStart(sourceFile);
  const edits: TextEdit[] = [{ start, end: declaration.getEnd(), newText: replacement }];
  const going = aliasesOnlyItNames(sourceFile, replaced);
  for (const alias of sourceFile.statements) {
    if (!ts.isTypeAliasDeclaration(alias) || alias.name.text === keep || !going.has(alias.name.text)) continue;
    // The alias, the comments above it and the blank lines after it.
    const from = ts.getLeadingCommentRanges(text, alias.getFullStart())?.[0]?.pos ?? alias.getStart(sourceFile);
    let end = alias.getEnd();
    while (end < text.length && /\s/.test(text[end]!)) end++;
    edits.push({ start: from, end, newText: '' });
  }
  return edits;
}

/** Whether `node` (outside `except`) has an identifier `name`: a type reference, a heritage clause, a `typeof`. */
function names(node: ts.Node, name: string, except: ts.Node[] = []): boolean {
  if (except.includes(node)) return false;
  if (ts.isIdentifier(node) && node.text === name) return true;
  return ts.forEachChild(node, (child) => names(child, name, except) || undefined) ?? false;
}
