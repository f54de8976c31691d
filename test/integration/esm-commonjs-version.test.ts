/**
 * An ES module's next version written as CommonJS (what tsc's transpile wrote for a `"type":
 * "module"` app): refused with the reason, and the running module, its routes and state untouched.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { App } from '../helpers/app';

test('an ES module sent CommonJS code is refused, saying so; the app runs on unchanged', async () => {
  const app = await App.start('esm');
  after(() => app.stop());
  const client = await app.connect();
  after(() => client.close());
  assert.equal(await app.get('/greet?name=ann'), 'hello, ann');
  const commonJs =
    '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.greet = greet;\n' +
    "exports.vsn = '2';\nfunction greet(name) {\n  return `hi, ${name}`;\n}\n";
  const plan = await client.prepare({ modules: [{ file: app.file('greeting.mjs'), code: commonJs }] });
  assert.equal(plan.ok, false, JSON.stringify(plan));
  assert.match(
    JSON.stringify(plan.errors),
    /the new code is CommonJS \(it uses `exports`.*runs this file as an ES module/,
  );
  assert.equal(await app.get('/greet?name=ann'), 'hello, ann');
  // A version written as an ES module loads.
  await client.load({
    file: app.file('greeting.mjs'),
    code: "export const vsn = '2';\nexport function greet(name) {\n  return `hi, ${name}`;\n}\n",
  });
  assert.equal(await app.get('/greet?name=ann'), 'hi, ann');
});
