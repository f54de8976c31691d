/**
 * A JSON file's code as a hot module (protocol/json-modules.ts, engine/json-module.ts): the
 * same code the agent made of it at startup, where the JSON is wrong a CompileError at its line
 * and column, and JSON that a JavaScript literal would read otherwise is not made a module.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonModuleCode, readJsonModule } from 'hotpatch-agent/protocol';
import { CompileError } from '../../extension/src/engine/compile';
import { compileJsonModule } from '../../extension/src/engine/json-module';

test('valid JSON: the code is the JSON as module.exports, on its own lines', () => {
  const text = '{\n  "greeting": "hello",\n  "limits": { "page": 10 }\n}\n';
  const { code } = compileJsonModule('/app/config.json', text);
  assert.equal(code, jsonModuleCode(text));
  const module = { exports: {} as unknown };
  new Function('module', code)(module);
  assert.deepEqual(module.exports, JSON.parse(text));
  assert.equal(code.split('\n').length, text.split('\n').length, 'line N of the file is line N of the code');
});

test('a trailing comma: a CompileError naming its line and column', () => {
  const text = '{\n  "a": 1,\n  "b": 2,\n}\n';
  assert.throws(
    () => compileJsonModule('/app/config.json', text),
    (error: unknown) => {
      assert.ok(error instanceof CompileError);
      assert.equal(error.line, 4);
      assert.equal(error.column, 1);
      assert.match(error.message, /^\/app\/config\.json:4:1: /);
      return true;
    },
  );
});

test('a "__proto__" key, which a literal reads as the prototype, is not made a module', () => {
  const text = '{ "user": { "__proto__": { "admin": true } } }';
  const read = readJsonModule(text);
  assert.equal(read.ok, false);
  assert.throws(() => compileJsonModule('/app/data.json', text), /"__proto__" key/);
  // What a literal would have made of it: the key lost, the prototype set.
  const literal = new Function(`return ${text}`)() as { user: object };
  assert.equal(Object.hasOwn(literal.user, '__proto__'), false);
  assert.equal(Object.hasOwn((JSON.parse(text) as { user: object }).user, '__proto__'), true);
});
