/**
 * The gaps of a function's header the instrumentation reads without acorn's tokenizer (its
 * parameters' closing parenthesis, an arrow's `=>`, the token after `async`): comments there
 * may hold any punctuation, and a gap it cannot read goes to the tokenizer.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Parser } from 'acorn';
import { arrowToken, hasToken, lastClosingParen, secondToken } from '../../runtime-agent/src/code-server/live/shape';

test('the closing parenthesis and trailing comma of a parameter list are found past comments that hold them', () => {
  const code = 'function f(a, b /* ) , */ // )\n , /* ) */ ) /* ( */ { return a; }';
  const from = code.indexOf('b') + 1;
  const body = code.indexOf('{');
  assert.equal(lastClosingParen(code, from, body), code.lastIndexOf(')', body));
  assert.equal(hasToken(code, from, code.lastIndexOf(')', body), ','), true);
  const plain = 'function g(a /* , */) {}';
  assert.equal(hasToken(plain, plain.indexOf('a') + 1, plain.indexOf(')'), ','), false);
});

test("an arrow's `=>` and the parameters after `async` are found past comments", () => {
  const code = 'const h = async /* => */ (x /* => */) /* ) */ => x;';
  const arrow = arrowToken(code, code.indexOf('x') + 1, code.length - 2);
  assert.equal(arrow?.start, code.lastIndexOf('=>'));
  assert.equal(secondToken(code, code.indexOf('async'), code.indexOf('x')), code.indexOf('(x'));
});

test('a gap the scan does not read (a default value, a non-ASCII name) goes to the tokenizer, with the same answers', () => {
  const code = "const k = async (é = ')', b = '=>') => b;";
  const arrow = Parser.parse(code, { ecmaVersion: 'latest' }) as unknown as {
    body: Array<{ declarations: Array<{ init: { start: number; body: { start: number } } }> }>;
  };
  const fn = arrow.body[0]!.declarations[0]!.init;
  assert.equal(secondToken(code, fn.start, fn.body.start), code.indexOf('(é'));
  assert.equal(arrowToken(code, fn.start, fn.body.start)?.start, code.lastIndexOf('=>'));
  assert.equal(lastClosingParen(code, fn.start, code.lastIndexOf('=>')), code.lastIndexOf(')'));
});
