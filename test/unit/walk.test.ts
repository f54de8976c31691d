/**
 * The generic walk over acorn's trees (live/walk.ts) that every reading of a module makes: each
 * direct child in source order, and what follows the visit handed to each of its calls, so
 * that the reader's walk needs no closure for each node (reader.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Parser } from 'acorn';
import { eachChild, type AnyNode } from '../../runtime-agent/src/code-server/live/walk';

const parse = (code: string): AnyNode => Parser.parse(code, { ecmaVersion: 'latest' }) as unknown as AnyNode;

test('eachChild visits the direct children in source order, and hands each call what follows the visit', () => {
  const call = (parse('f(a, () => b, [c])').body as AnyNode[])[0]!.expression as AnyNode;
  const seen: Array<[string, string, number, object]> = [];
  const state = { depth: 1 };
  eachChild(
    call,
    (child, label: string, depth: number, shared: object) => seen.push([child.type, label, depth, shared]),
    'arg',
    2,
    state,
  );
  assert.deepEqual(
    seen.map(([type]) => type),
    ['Identifier', 'Identifier', 'ArrowFunctionExpression', 'ArrayExpression'],
    'the callee, then the arguments as written',
  );
  for (const [, label, depth, shared] of seen) {
    assert.equal(label, 'arg');
    assert.equal(depth, 2);
    assert.equal(shared, state, 'the very object passed, not a copy');
  }
});

test('eachChild with a visit of one argument walks a whole tree in source order', () => {
  const walk = (node: AnyNode): string[] => {
    const types: string[] = [node.type];
    eachChild(node, (child) => types.push(...walk(child)));
    return types;
  };
  assert.deepEqual(walk(parse('a + b; f(c); class K { m() {} }')), [
    'Program',
    'ExpressionStatement',
    'BinaryExpression',
    'Identifier',
    'Identifier',
    'ExpressionStatement',
    'CallExpression',
    'Identifier',
    'Identifier',
    'ClassDeclaration',
    'Identifier',
    'ClassBody',
    'MethodDefinition',
    'Identifier',
    'FunctionExpression',
    'BlockStatement',
  ]);
});
