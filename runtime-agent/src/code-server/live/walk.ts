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
 * for the walks every load makes over a whole module, which need no array of them.
 */
export function eachChild(node: AnyNode, visit: (child: AnyNode) => void): void {
  const keys = (KEYS as Record<string, readonly string[] | undefined>)[node.type] ?? Object.keys(node);
  for (const key of keys) {
    if (SKIP.has(key)) continue;
    const value: unknown = node[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) visit(item);
    } else if (isNode(value)) {
      visit(value);
    }
  }
}
