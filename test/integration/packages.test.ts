/**
 * The two packages a user installs, as they would (issue 14): `npm pack` of hotpatch-agent and
 * hotpatch-cli, installed into a fresh project outside this repository (so nothing resolves from
 * the repository's node_modules), an app there started with `node -r hotpatch-agent/register`,
 * and a saved file hot-loaded into it with the installed `npx hotpatch`.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot } from '../helpers/paths';
import { waitFor } from '../helpers/wait';

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(command, args, { cwd, env, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

const project = mkdtempSync(join(tmpdir(), 'hotpatch-packages-'));
const discoveryDir = join(project, '.discovery');
const env = { ...process.env, HOTPATCH_DISCOVERY_DIR: discoveryDir, HOTPATCH_QUIET: '1', NODE_OPTIONS: '' };
let app: ChildProcess | undefined;
let output = '';

before(async () => {
  const tarballs = join(project, 'tarballs');
  mkdirSync(tarballs);
  for (const pkg of ['runtime-agent', 'cli']) {
    const packed = await run('npm', ['pack', '--pack-destination', tarballs], join(repoRoot, pkg));
    assert.equal(packed.code, 0, packed.stderr);
  }
  const files = readdirSync(tarballs).map((f) => join(tarballs, f));
  assert.equal(files.length, 2, files.join(', '));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'packaged-app', private: true }));
  writeFileSync(join(project, 'greeting.js'), 'exports.greet = (name) => `hello, ${name}`;\n');
  writeFileSync(
    join(project, 'app.js'),
    `const http = require('node:http');
const { greet } = require('./greeting');
const server = http.createServer((req, res) => res.end(greet('you')));
server.listen(0, '127.0.0.1', () => console.log('LISTENING ' + server.address().port));
`,
  );
  const installed = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...files], project);
  assert.equal(installed.code, 0, installed.stderr);
});

after(() => {
  app?.kill();
  rmSync(project, { recursive: true, force: true });
});

test('the packed agent and CLI, installed outside the repository, hot-load a saved file', async () => {
  for (const pkg of ['hotpatch-agent', 'hotpatch-cli']) {
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules', pkg, 'package.json'), 'utf8')) as {
      engines?: { node?: string };
    };
    assert.ok(manifest.engines?.node, `${pkg} says which Node it needs`);
    for (const file of ['README.md', 'LICENSE']) readFileSync(join(project, 'node_modules', pkg, file), 'utf8');
  }
  app = spawn(process.execPath, ['-r', 'hotpatch-agent/register', 'app.js'], { cwd: project, env });
  app.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  app.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const port = await waitFor('the app to listen', () => /LISTENING (\d+)/.exec(output)?.[1], 30_000);
  const get = async (): Promise<string> => (await fetch(`http://127.0.0.1:${port}/`)).text();
  assert.equal(await get(), 'hello, you');

  const listed = await waitFor('the agent to be listed', async () => {
    const ls = await run('npx', ['--no-install', 'hotpatch', 'ls'], project, env);
    return ls.code === 0 && ls.stdout.includes('packaged-app') ? ls : undefined;
  });
  assert.match(listed.stdout, /greeting\.js/);

  writeFileSync(join(project, 'greeting.js'), 'exports.greet = (name) => `hi there, ${name}`;\n');
  const loaded = await run('npx', ['--no-install', 'hotpatch', 'load', 'greeting.js'], project, env);
  assert.equal(loaded.code, 0, loaded.stdout + loaded.stderr);
  assert.equal(await get(), 'hi there, you');
  assert.doesNotMatch(output, /Error|DeprecationWarning/, output);
});
