/**
 * "Generate migration" where the holder already has a codeChange: the one the running version
 * has, written for an earlier change of its type. The agent runs a codeChange in the load that
 * brings it, so that one has done its work: it converted the version that ran before it, which
 * runs nowhere now, and its conversion is typed for the type as it was then (kept beside the new
 * one it would no longer type-check). So the new codeChange takes its place, and the old
 * versions' types that only it named go with it.
 */
import ts from 'typescript';
import type { TextEdit } from './types';

/** A codeChange the stub replaces: what it was declared by (a statement, a class member). */
export interface ReplacedCodeChange {
  declaration: ts.Node;
}

/**
 * `node`, the holder's codeChange, as one to replace: when it is the running version's, as
 * that version has it (`running`, its text). One the user changed since is theirs to finish,
 * and the load will run it: it stays (so does the stub just written, on a second ask).
 */
export function codeChangeToReplace(
  sourceFile: ts.SourceFile,
  node: ts.Node,
  running: string | undefined,
): ReplacedCodeChange | undefined {
  if (node.getText(sourceFile) !== running) return undefined;
  let declaration: ts.Node = node;
  while (!ts.isSourceFile(declaration.parent) && !ts.isClassLike(declaration.parent)) declaration = declaration.parent;
  return { declaration };
}

/**
 * The edits that put `replacement` where `replaced` is declared (at its doc comment, if it has
 * one; `replacement` starts at that line's indentation) and take out the module's type aliases
 * that only it names (`type VariablesV3 = …`, a JSDoc `@typedef` of a JavaScript file's stub
 * goes with its codeChange's comment), except `keep` (the one the new stub names).
 */
export function replacementEdits(
  sourceFile: ts.SourceFile,
  replaced: ReplacedCodeChange,
  replacement: string,
  keep: string,
): TextEdit[] {
  const { declaration } = replaced;
  const edits: TextEdit[] = [
    { start: declaration.getStart(sourceFile, true), end: declaration.getEnd(), newText: replacement },
  ];
  for (const alias of sourceFile.statements) {
    if (!ts.isTypeAliasDeclaration(alias) || alias.name.text === keep) continue;
    const name = alias.name.text;
    if (!refersTo(declaration, name) || refersTo(sourceFile, name, [declaration, alias])) continue;
    // The alias, the comments above it and the blank lines after it.
    const text = sourceFile.text;
    const start = ts.getLeadingCommentRanges(text, alias.getFullStart())?.[0]?.pos ?? alias.getStart(sourceFile);
    let end = alias.getEnd();
    while (end < text.length && /\s/.test(text[end]!)) end++;
    edits.push({ start, end, newText: '' });
  }
  return edits;
}

/** Whether `node` (outside `except`) has a type reference to `name`. */
function refersTo(node: ts.Node, name: string, except: ts.Node[] = []): boolean {
  if (except.includes(node)) return false;
  if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName) && node.typeName.text === name) return true;
  return ts.forEachChild(node, (child) => refersTo(child, name, except) || undefined) ?? false;
}
