/**
 * An esbuild plugin: the agent's protocol and transport (`hotpatch-agent/protocol`,
 * `hotpatch-agent/websocket-rpc`) bundled from their TypeScript sources, as the importer's own
 * files are. The agent's dist/ builds are CommonJS and require zod's whole CommonJS build, every
 * locale of its messages included; from the sources, esbuild keeps only the part of zod the
 * schemas use (the CLI's bundle: 1.1 MB before, 0.6 MB so; `ls` ≈18 ms faster). Used by the
 * CLI's bundle (cli/build.mjs) and the language server's (extension/build.mjs).
 */
import { fileURLToPath } from 'node:url';

const agentSources = fileURLToPath(new URL('../runtime-agent/src/', import.meta.url));
const sources = {
  'hotpatch-agent/protocol': 'protocol.ts',
  'hotpatch-agent/websocket-rpc': 'transport/websocket-rpc.ts',
};

export const agentFromSources = {
  name: 'agent-from-sources',
  setup(b) {
    b.onResolve({ filter: /^hotpatch-agent\/(protocol|websocket-rpc)$/ }, ({ path }) => ({
      path: agentSources + sources[path],
    }));
  },
};
