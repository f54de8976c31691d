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
 * for the walks every load makes over a whole module, which need no array of them.
 */
export function eachChild(node: AnyNode, visit: (child: AnyNode) => void): void {
  const keys = (KEYS as Record<string, readonly string[] | undefined>)[node.type];
  if (keys === undefined) {
    for (const key of Object.keys(node)) if (!SKIP.has(key)) visitValue(node[key], visit);
    return;
  }
  // ESLint's keys name children only: no position or type to skip (every node of every load goes here).
  for (let i = 0; i < keys.length; i++) visitValue(node[keys[i]!], visit);
}

function visitValue(value: unknown, visit: (child: AnyNode) => void): void {
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (isNode(item)) visit(item);
    }
  } else if (isNode(value)) {
    visit(value);
  }
}
