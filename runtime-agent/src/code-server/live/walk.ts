/**
 * A generic view of acorn's ESTree nodes: every node is an object with a `type`, and its
 * children are the node-valued properties, in source order.
 */
import type { Node } from 'acorn';
import { KEYS } from 'eslint-visitor-keys';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- ESTree nodes are read generically here
export type AnyNode = Node & Record<string, any>;

const SKIP = new Set(['loc', 'range', 'start', 'end', 'type']);

function isNode(value: unknown): value is AnyNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** The name an import or export specifier gives: an identifier, or a string (`export { x as 'a-b' }`). */
export function moduleExportName(node: AnyNode): string {
  return String(node.type === 'Identifier' ? node.name : node.value);
}

/**
 * The direct child nodes of `node`, in source order: the ESTree visitor keys (ESLint's list)
 * say which properties hold children, so nothing else of the node is read.
 */
export function childrenOf(node: AnyNode): AnyNode[] {
  const children: AnyNode[] = [];
  eachChild(node, (child) => void children.push(child));
  return children;
}

/**
 * Calls `visit` with each direct child of `node`, in source order, as childrenOf lists them:
 * for the walks every load makes over a whole module, which need no array of them. What
 * follows `visit` is handed to each of its calls as it is: a walk that passes its state so,
 * with one `visit` for the whole walk, makes no closure for each node it visits. The reader's
 * closure for each node was an eighth of what a save of a module allocated in the app, and the
 * young generation's collections during a save copy what the reading holds (issue 13).
 */
export function eachChild<A = undefined, B = undefined, C = undefined>(
  node: AnyNode,
  visit: (child: AnyNode, a: A, b: B, c: C) => void,
  a = undefined as A,
  b = undefined as B,
  c = undefined as C,
): void {
  const keys = (KEYS as Record<string, readonly string[] | undefined>)[node.type];
  if (keys === undefined) {
    for (const key of Object.keys(node)) if (!SKIP.has(key)) visitValue(node[key], visit, a, b, c);
    return;
  }
  // ESLint's keys name children only: no position or type to skip (every node of every load goes here).
  for (let i = 0; i < keys.length; i++) visitValue(node[keys[i]!], visit, a, b, c);
}

function visitValue<A, B, C>(
  value: unknown,
  visit: (child: AnyNode, a: A, b: B, c: C) => void,
  a: A,
  b: B,
  c: C,
): void {
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (isNode(item)) visit(item, a, b, c);
    }
  } else if (isNode(value)) {
    visit(value, a, b, c);
  }
}
