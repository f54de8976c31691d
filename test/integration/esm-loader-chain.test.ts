/**
 * The agent's module hooks chain with another loader's, in either order, now that they read an
 * ES module's source themselves and hand it down the chain (esm-source-read.ts): the other
 * loader's transform of the module runs, the module is hot, and a load of it goes live.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { App } from '../helpers/app';
import { loadEdited } from '../helpers/cli';
import { scratchFiles } from '../helpers/scratch';

/** A loader that rewrites the greeting in the code the rest of the chain gave for greeting.mjs. */
const loader = scratchFiles('esm-loader-chain', {
  'hooks.mjs': `export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  if (!url.split('?')[0].endsWith('/greeting.mjs') || result.format !== 'module') return result;
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
      await loadEdited(app, 'greeting.mjs', (text) => text.replace('hello, ${name}', 'hi, ${name}!'));
      assert.equal(await app.get('/greet?name=ada'), 'hi, ada!');
    } finally {
      await app.stop();
    }
  });
}
