/**
 * The language server's side of reading ahead (engine/read-ahead.ts): once typing pauses, the
 * text goes to each agent running the file, and the tests the save makes of the text alone are
 * made then: esbuild's syntax check of a file the app runs as it is, kept for the save of
 * exactly that text, and the test for state, asked while the agents read. The agent is the
 * edge here (a client that answers agent/readAhead); esbuild and the text are real.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModuleInfo } from 'hotpatch-agent/protocol';
import type { AgentClient } from '../../extension/src/engine/agent-client';
import { CompileError } from '../../extension/src/engine/compile';
import { compileKey } from '../../extension/src/engine/targets';
import { ReadAhead } from '../../extension/src/engine/read-ahead';

const FILE = '/app/routes.js';
const NODE = 'v20.20.2';
const module: ModuleInfo = {
  file: FILE,
  format: 'cjs',
  sources: [],
  exports: ['list'],
  current: { vsn: '1', seq: 1, hash: 'running', loadedAt: '', origin: 'startup' } as unknown as ModuleInfo['current'],
  old: null,
};

function readAheadOf(
  sent: string[],
  tested: string[],
  scanned: string[] = [],
): { readAhead: ReadAhead; read: () => Promise<void> } {
  const client = {
    info: { pid: 4242, nodeVersion: NODE, root: '/app' },
    readAhead: async (_file: string, code: string) => {
      sent.push(code);
      return { read: true, ms: 1 };
    },
  } as unknown as AgentClient;
  let done: (() => void) | undefined;
  const readAhead = new ReadAhead({
    clients: () => [client],
    modulesOf: () => [module],
    stateTypes: {
      mayHoldState: (_file, text) => {
        tested.push(text);
        return false;
      },
      relativeImports: (_file, text) => {
        scanned.push(text);
        return [];
      },
    },
    onRead: () => done?.(),
  });
  // The pause's timer does not hold a process open (an editor closing is not kept waiting): this
  // test's wait holds it open instead.
  const read = async (): Promise<void> => {
    const open = setInterval(() => undefined, 60_000);
    try {
      await new Promise<void>((resolve) => (done = resolve));
    } finally {
      clearInterval(open);
    }
  };
  return { readAhead, read };
}

test('the syntax check of a file run as it is is made once typing pauses, for the save of that text', async () => {
  const sent: string[] = [];
  const tested: string[] = [];
  const scanned: string[] = [];
  const { readAhead, read } = readAheadOf(sent, tested, scanned);
  const key = compileKey(FILE, NODE, module);
  const good = 'exports.list = () => [1, 2];\n';
  const broken = 'exports.list = () => [1, 2;\n';

  let reading = read();
  readAhead.changed(FILE, broken);
  await reading;
  assert.deepEqual(sent, [broken], 'sent as it is');
  assert.deepEqual(tested, [broken], 'tested for state while the agent read');
  assert.deepEqual(scanned, [broken], 'its imports scanned while the agent read');
  const error = await readAhead.syntaxCheck(FILE, broken, key);
  assert.ok(error instanceof CompileError, String(error));
  assert.equal(error.line, 1);

  reading = read();
  readAhead.changed(FILE, good);
  await reading;
  assert.equal(await readAhead.syntaxCheck(FILE, good, key), undefined, 'it compiles');
  assert.equal(readAhead.syntaxCheck(FILE, broken, key), undefined, 'the earlier text is not kept');
  assert.equal(readAhead.syntaxCheck(FILE, `${good} `, key), undefined, 'other text was not checked');

  readAhead.forget(FILE);
  assert.equal(readAhead.syntaxCheck(FILE, good, key), undefined, 'nothing kept of a closed file');
  readAhead.dispose();
});
