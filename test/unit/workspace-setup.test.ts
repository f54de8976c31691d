/**
 * "Set up this workspace" (extension/src/engine/workspace-setup.ts): the texts proposed for a
 * project's package.json and .vscode/launch.json, parsed as JSONC, with the user's comments and
 * layout kept, and the cases it leaves to the user said so.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'jsonc-parser';
import { planWorkspaceSetup, SetupParseError } from '../../extension/src/engine/workspace-setup';

const manifest = (fields: Record<string, unknown>) => `${JSON.stringify({ name: 'app', ...fields }, null, 2)}\n`;
const proposedOf = (plan: ReturnType<typeof planWorkspaceSetup>, path: string) =>
  plan.files.find((f) => f.path === path)?.proposed;

describe('planWorkspaceSetup', () => {
  test('a CommonJS project without the agent: -r in its start script, a new launch configuration, the install offered', () => {
    const plan = planWorkspaceSetup(manifest({ main: 'server.js', scripts: { start: 'node server.js' } }), undefined);
    const pkg = parse(proposedOf(plan, 'package.json')!) as { scripts: { start: string } };
    assert.equal(pkg.scripts.start, 'node -r hotpatch-agent/register server.js');
    const launch = parse(proposedOf(plan, '.vscode/launch.json')!) as { configurations: Record<string, unknown>[] };
    assert.deepEqual(launch.configurations, [
      {
        type: 'node',
        request: 'launch',
        name: 'Launch with Hotpatch',
        program: '${workspaceFolder}/server.js',
        runtimeArgs: ['-r', 'hotpatch-agent/register'],
        skipFiles: ['<node_internals>/**'],
      },
    ]);
    assert.equal(plan.agentMissing, true);
    assert.deepEqual(plan.notes, []);
  });

  test('an ES module project gets --import; a tsx start script runs node with tsx and then the agent', () => {
    const esm = planWorkspaceSetup(
      manifest({ type: 'module', scripts: { start: 'node --env-file .env app.mjs' } }),
      undefined,
    );
    assert.match(
      proposedOf(esm, 'package.json')!,
      /"start": "node --import hotpatch-agent\/register --env-file .env app.mjs"/,
    );
    assert.match(proposedOf(esm, '.vscode/launch.json')!, /"program": "\$\{workspaceFolder\}\/app.mjs"/);
    const tsx = planWorkspaceSetup(manifest({ scripts: { start: 'tsx src/app.ts' } }), undefined);
    assert.match(
      proposedOf(tsx, 'package.json')!,
      /"start": "node --import tsx --import hotpatch-agent\/register src\/app.ts"/,
    );
    const launch = parse(proposedOf(tsx, '.vscode/launch.json')!) as { configurations: { runtimeArgs: string[] }[] };
    assert.deepEqual(launch.configurations[0]!.runtimeArgs, ['--import', 'tsx', '--import', 'hotpatch-agent/register']);
  });

  test("a ts-node start script runs node with ts-node's preload and then the agent; ts-node's other flags are left to the user", () => {
    const plan = planWorkspaceSetup(manifest({ scripts: { start: 'ts-node src/index.ts' } }), undefined);
    assert.match(
      proposedOf(plan, 'package.json')!,
      /"start": "node -r ts-node\/register -r hotpatch-agent\/register src\/index.ts"/,
    );
    const launch = parse(proposedOf(plan, '.vscode/launch.json')!) as {
      configurations: { runtimeArgs: string[]; program: string }[];
    };
    assert.deepEqual(launch.configurations[0]!.runtimeArgs, [
      '-r',
      'ts-node/register',
      '-r',
      'hotpatch-agent/register',
    ]);
    assert.equal(launch.configurations[0]!.program, '${workspaceFolder}/src/index.ts');
    const transpileOnly = planWorkspaceSetup(manifest({ scripts: { start: 'ts-node -T src/index.ts' } }), undefined);
    assert.match(
      proposedOf(transpileOnly, 'package.json')!,
      /"start": "node -r ts-node\/register\/transpile-only -r hotpatch-agent\/register src\/index.ts"/,
    );
    const project = planWorkspaceSetup(
      manifest({ scripts: { start: 'ts-node -P tsconfig.app.json src/index.ts' } }),
      undefined,
    );
    assert.equal(proposedOf(project, 'package.json'), undefined);
    assert.match(project.notes.join('\n'), /does not run node directly: add -r hotpatch-agent\/register/);
  });

  test('an existing launch.json keeps its comments; each node launch configuration gets the agent, once', () => {
    const launchText = [
      '{',
      '  // my configurations',
      '  "version": "0.2.0",',
      '  "configurations": [',
      '    { "type": "node", "request": "launch", "name": "App", "program": "${workspaceFolder}/main.js", "runtimeArgs": ["--inspect-brk"] },',
      '    { "type": "node", "request": "attach", "name": "Attach", "port": 9229 },',
      '  ],',
      '}',
      '',
    ].join('\n');
    const plan = planWorkspaceSetup(
      manifest({ main: 'main.js', dependencies: { 'hotpatch-agent': '^0.1.0' } }),
      launchText,
    );
    const proposed = proposedOf(plan, '.vscode/launch.json')!;
    assert.match(proposed, /\/\/ my configurations/);
    const launch = parse(proposed) as { configurations: { name: string; runtimeArgs?: string[] }[] };
    assert.deepEqual(launch.configurations[0]!.runtimeArgs, ['--inspect-brk', '-r', 'hotpatch-agent/register']);
    assert.equal(launch.configurations[1]!.runtimeArgs, undefined, 'an attach configuration is left alone');
    assert.equal(plan.agentMissing, false);
    assert.deepEqual(plan.changes, [
      'package.json: "start": "node -r hotpatch-agent/register main.js"',
      '.vscode/launch.json: "App" runs node --inspect-brk -r hotpatch-agent/register',
    ]);
    // Run again on what it proposed: nothing left to do.
    const again = planWorkspaceSetup(proposedOf(plan, 'package.json'), proposed);
    assert.deepEqual(again.files, []);
  });

  test('a start script it cannot rewrite is left alone, and the user told what to add', () => {
    const plan = planWorkspaceSetup(manifest({ main: 'dist/main.js', scripts: { start: 'nest start' } }), undefined);
    assert.equal(proposedOf(plan, 'package.json'), undefined);
    assert.match(
      plan.notes[0]!,
      /the start script \(nest start\) does not run node directly: add -r hotpatch-agent\/register/,
    );
    assert.match(proposedOf(plan, '.vscode/launch.json')!, /"program": "\$\{workspaceFolder\}\/dist\/main.js"/);
  });

  test('a package.json with a syntax error stops the setup, naming the line', () => {
    assert.throws(
      () => planWorkspaceSetup('{\n  "name": "app",\n  "main" "x.js"\n}\n', undefined),
      (error) => {
        assert.ok(error instanceof SetupParseError);
        assert.match(error.message, /^package\.json:3: /);
        return true;
      },
    );
  });
});
