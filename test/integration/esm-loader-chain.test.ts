/**
 * The agent's module hooks chain with another loader's, in either order (on Node 20, where they
 * run in a thread of their own): the other loader's transform of a module runs, and the module
 * is hot. Registered first, the agent's hooks read each ES module's source ahead of Node's own
 * load (esm-source-read.ts); a loader before them that loads another module in the same load
 * (as import-in-the-middle reads the module it wraps) gets that module's code, not the one the
 * agent read for the load before.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { App } from '../helpers/app';
import { loadEdited } from '../helpers/cli';
import { scratchFiles } from '../helpers/scratch';

/** A loader that loads store.mjs first, then rewrites the greeting in greeting.mjs's code. */
const loader = scratchFiles('esm-loader-chain', {
  'hooks.mjs': `export async function load(url, context, nextLoad) {
  const greeting = url.split('?')[0].endsWith('/greeting.mjs');
  if (greeting) await nextLoad(new URL('./store.mjs', url).href, context);
  const result = await nextLoad(url, context);
  if (!greeting || result.format !== 'module') return result;
  const text = typeof result.source === 'string' ? result.source : new TextDecoder().decode(result.source);
  return { ...result, source: text.replaceAll('hello, ', 'hello from the loader, ') };
}
`,
  'register.mjs': "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n",
});
const registerOther = pathToFileURL(join(loader, 'register.mjs')).href;

for (const order of ['the agent runs first', 'the other loader runs first'] as const) {
  test(`another loader in the chain (${order}): its transform runs, and the module is hot`, async () => {
    // The last loader registered runs first.
    const imports =
      order === 'the agent runs first'
        ? ['--import', registerOther, '--import', 'hotpatch-agent/register']
        : ['--import', 'hotpatch-agent/register', '--import', registerOther];
    const app = await App.start('esm', { args: [...imports, 'app.mjs'] });
    try {
      assert.equal(await app.get('/greet?name=ada'), 'hello from the loader, ada');
      assert.equal(await app.get('/hits'), '1');
      await loadEdited(app, 'greeting.mjs', (text) => text.replace('hello, ${name}', 'hi, ${name}!'));
      assert.equal(await app.get('/greet?name=ada'), 'hi, ada!');
    } finally {
      await app.stop();
    }
  });
}
