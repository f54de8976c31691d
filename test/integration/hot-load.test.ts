/**
 * The core promise, against real app processes on Node 20, 22 and 24: change a module on
 * disk, load it through the CLI and through the protocol, and see the new code answer on the
 * app's own HTTP endpoint — through a handler captured at startup — while module-level state
 * in another module is untouched.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { compileModule } from 'hotpatch-extension/engine';
import type { ModuleInfo } from 'hotpatch-agent/protocol';
import { App, appKinds, type AppKind } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { nodeRuntimes } from '../helpers/paths';
import { waitFor } from '../helpers/wait';

const kinds = Object.keys(appKinds) as AppKind[];

for (const runtime of nodeRuntimes()) {
  describe(`node ${runtime.major}`, () => {
    for (const kind of kinds) {
      test(`${kind}: a changed module loads through the CLI, then the protocol; other state stays`, async () => {
        const app = await App.start(kind, { runtime });
        after(() => app.stop());
        const { greeting, edited } = appKinds[kind];

        assert.equal(await app.get('/greet?name=ann'), 'hello, ann');
        assert.equal(await app.get('/hits'), '1');
        // No runtime warns about how the agent hooks modules (Node 26 deprecates module.register, DEP0205).
        assert.doesNotMatch(app.output.stderr, /DeprecationWarning|DEP0\d+/, app.output.stderr);

        // 1. Through the CLI, from the file the user edits (for ts-cjs: the .ts source of dist/greeting.js).
        app.edit(edited, (text) => text.replace('hello', 'howdy').replace("vsn = '1'", "vsn = '2'"));
        const cli = await runCli(['load', app.file(edited)], app.discoveryDir);
        assert.equal(cli.code, 0, cli.stderr + cli.stdout);
        // Only what changed ran: the new body of greet, nothing else, and nothing left undone.
        assert.match(cli.stdout, /✓ .*vsn 2 \(#2\) is current/);
        assert.match(cli.stdout, /applied: .*new code in: .*greet/);
        assert.doesNotMatch(cli.stdout, /not applied/);
        assert.equal(await app.get('/greet?name=ann'), 'howdy, ann');
        assert.equal(await app.get('/hits'), '2', 'store.ts must keep its count across a load of greeting');

        // 2. Through the protocol, watching the notification.
        const client = await app.connect();
        after(() => client.close());
        const listed = (await client.modules()).find((m) => m.file === app.file(greeting));
        assert.ok(listed, `greeting is listed among ${JSON.stringify((await client.modules()).map((m) => m.file))}`);
        assert.deepEqual([listed.current.vsn, listed.current.origin, listed.old?.vsn], ['2', 'cli', '1']);
        if (kind === 'ts-cjs') assert.deepEqual(listed.sources, [app.file('src/greeting.ts')]);
        assert.equal(listed.format, kind === 'cjs' || kind === 'ts-cjs' ? 'cjs' : 'esm');

        const notified: ModuleInfo[] = [];
        client.on('moduleLoaded', (m) => notified.push(m));
        app.edit(edited, (text) => text.replace('howdy', 'hi').replace("vsn = '2'", "vsn = '3'"));
        const text = readFileSync(app.file(edited), 'utf8');
        const { code } = await compileModule(app.file(edited), text, client.info.nodeVersion, listed);
        const result = await client.load({ file: app.file(greeting), code, source: text, origin: 'editor' });
        assert.deepEqual([result.module.current.vsn, result.module.current.seq, result.module.old?.vsn], ['3', 3, '2']);
        assert.equal(await app.get('/greet?name=ann'), 'hi, ann');
        assert.equal(await app.get('/hits'), '3');
        await waitFor('the moduleLoaded notification', () => notified.find((m) => m.current.vsn === '3'));
        const source = await client.source(app.file(greeting));
        assert.equal(source.source, text, 'the agent keeps the original source of the current version');
      });
    }
  });
}
