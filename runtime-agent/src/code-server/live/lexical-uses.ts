/**
 * What a function's own code reads from the code around it (`this`, `super`, `arguments`), and
 * why that keeps its calls from being forwarded to a newer body.
 */
import type { FunctionNode, LiveFunction } from './program';
import { eachChild, type AnyNode } from './walk';

/** What a function's own code reads that a function made elsewhere could not: `this`, `super`, `arguments`. */
export function lexicalUses(fn: FunctionNode, code: string): { this: boolean; super: boolean; arguments: boolean } {
  const uses = { this: false, super: false, arguments: false };
  // Each use has its word in the function's text, or a backslash (`\u0061rguments`): a function
  // whose text has neither has no use, and needs no walk (most have none; the walk was a fifth
  // of the reader's time). The words in a string or a comment only cost the walk.
  const text = code.slice(fn.start, fn.end);
  if (!text.includes('this') && !text.includes('super') && !text.includes('arguments') && !text.includes('\\'))
    return uses;
  const visit = (node: AnyNode): void => {
    if (node.type === 'ThisExpression') uses.this = true;
    else if (node.type === 'Super') uses.super = true;
    else if (node.type === 'Identifier' && node.name === 'arguments') uses.arguments = true;
    // Arrows share these with the function they are in; other functions and classes have their own.
    if (node !== fn && (node.type === 'FunctionExpression' || node.type === 'FunctionDeclaration')) return;
    if (node.type === 'ClassBody') return;
    eachChild(node, visit);
  };
  visit(fn);
  return uses;
}

/** Why a function's calls cannot be forwarded to a newer body, if they cannot. */
export function whyFixed(
  node: FunctionNode,
  member: LiveFunction['member'],
  parentFn: LiveFunction | undefined,
  uses: { super: boolean; arguments: boolean },
): string | undefined {
  if (member && parentFn) return 'a method of a class defined inside a function';
  if (!member && uses.super) return 'it uses super outside a class';
  if (node.type === 'ArrowFunctionExpression' && uses.arguments) {
    return 'an arrow function using the arguments of its enclosing function';
  }
  return undefined;
}
