/**
 * The compiler a module's running code came from, asked of its agent once per module
 * (extension/src/engine/running-compilers.ts); real compilers' output is told apart in
 * integration/ts-node-modules.test.ts and integration/foreign-builds.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModuleInfo, SourceResult } from 'hotpatch-agent/protocol';
import type { AgentClient } from '../../extension/src/engine/agent-client';
import { runningCompilerOf } from '../../extension/src/engine/running-compilers';

const typescriptOutput =
  '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.n = 1;\n';

test("a module's verdict is asked once and kept; a request that failed is asked again at the next save", async () => {
  let asked = 0;
  // The agent's side of the one request this asks (agent/source): busy the first time.
  const client = {
    async source(): Promise<SourceResult> {
      asked++;
      if (asked === 1) throw new Error('the agent did not answer in time');
      return { code: typescriptOutput, source: 'export const n = 1;\n' } as SourceResult;
    },
  } as unknown as AgentClient;
  const module = { file: '/app/src/n.ts', format: 'cjs' } as ModuleInfo;
  assert.equal(await runningCompilerOf(client, module), undefined);
  assert.equal(await runningCompilerOf(client, module), 'TypeScript');
  assert.equal(await runningCompilerOf(client, module), 'TypeScript');
  assert.equal(asked, 2);
});
