// Bundles the agent's own sources with esbuild: the library, the zero-code-change entry (which
// reuses the library at run time so there is one agent per process), the ESM hooks (loaded by
// module.register in their own thread on Node 20), the protocol and its WebSocket transport.
// Dependencies stay in node_modules: the protocol's message types carry vscode-jsonrpc
// objects that must be the very instances the transport compares against.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  packages: 'external',
  define: { AGENT_VERSION: JSON.stringify(version) },
};

await Promise.all([
  build({
    ...common,
    entryPoints: {
      index: 'src/index.ts',
      protocol: 'src/protocol.ts',
      'websocket-rpc': 'src/transport/websocket-rpc.ts',
    },
    format: 'cjs',
    outdir: 'dist',
  }),
  build({
    ...common,
    entryPoints: { register: 'src/register.ts' },
    format: 'cjs',
    outdir: 'dist',
    plugins: [
      {
        name: 'reuse-index',
        setup(b) {
          b.onResolve({ filter: /^\.\/index$/ }, () => ({ path: './index.js', external: true }));
        },
      },
    ],
  }),
  build({
    ...common,
    entryPoints: { 'esm-hooks': 'src/code-server/esm-hooks.ts' },
    format: 'esm',
    outdir: 'dist',
    outExtension: { '.js': '.mjs' },
  }),
]);
