/**
 * Route tables a framework fixes once the app has started. Hono's router takes no route once it
 * has served a request, and Hono copies a sub-app's routes into the app that mounts it: the
 * agent makes a Hono app's router again from its routes after a load, and mounts a sub-app's
 * new route again where it is mounted (hono-routes.ts), unless it cannot make such a router
 * again. A statement that a load adds or changes and that registers a route on such a table
 * does not run (the route would answer nowhere, or throw): it is said as needing a restart, and
 * the rest of the version applies.
 *
 * Frameworks that keep their tables open (Express, Koa, @koa/router) are not here: their
 * registrations are put in order instead (registrations.ts). Fastify refuses routes after
 * listening with error codes of its own (VersionScope.startupOnly).
 */
import { honoRoutesFixed } from './hono-routes';
import type { AnyNode } from './walk';

/** Hono's methods that add to its route table (HTTP methods, `all`, `on`, `use`, `route`, `mount`). */
const HONO_ROUTE_METHODS = new Set([
  'get',
  'post',
  'put',
  'delete',
  'options',
  'patch',
  'all',
  'on',
  'use',
  'route',
  'mount',
]);

/**
 * The object a top-level statement registers on, when the statement is a call of one of the
 * route methods above on a plain reference (`app.get(…)`, `api.v1.use(…)`): the expression
 * evaluated before the statement runs, to tell whether its table is fixed.
 */
export function routeRegistrationTarget(statement: AnyNode): AnyNode | undefined {
  if (statement.type !== 'ExpressionStatement') return undefined;
  const call = statement.expression as AnyNode;
  if (call.type !== 'CallExpression') return undefined;
  const callee = call.callee as AnyNode;
  if (callee.type !== 'MemberExpression' || callee.computed) return undefined;
  if (!HONO_ROUTE_METHODS.has(String((callee.property as AnyNode).name))) return undefined;
  const target = callee.object as AnyNode;
  return isPlainReference(target) ? target : undefined;
}

/** An identifier, or a chain of non-computed properties on one: evaluating it twice has no effect. */
function isPlainReference(node: AnyNode): boolean {
  if (node.type === 'Identifier') return true;
  return node.type === 'MemberExpression' && !node.computed && isPlainReference(node.object as AnyNode);
}

/** Why `target`'s route table takes no routes once the app has started, if it is such a table. */
export function fixedRouteTable(target: unknown): string | undefined {
  return isHonoApp(target) ? honoRoutesFixed(target as object) : undefined;
}

function isHonoApp(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const app = value as {
    routes?: unknown;
    fetch?: unknown;
    route?: unknown;
    router?: { add?: unknown; match?: unknown };
  };
  return (
    Array.isArray(app.routes) &&
    typeof app.fetch === 'function' &&
    typeof app.route === 'function' &&
    typeof app.router?.add === 'function' &&
    typeof app.router.match === 'function'
  );
}
