/**
 * The Hotpatch language server: `node dist/server.js --stdio` for any LSP client (VS Code
 * starts it over IPC), which loads this through launch.ts. Agents are found through
 * $HOTPATCH_DISCOVERY_DIR or the `discoveryDir` initialization option.
 */
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { HotpatchServer } from './hotpatch-server';

const connection = createConnection(ProposedFeatures.all);
const server = new HotpatchServer(connection);
connection.listen();

/** Whether the client has initialized the server (for the code cache, launch.ts). */
export const initialized = (): boolean => server.initialized;

/** `callback` once a save was loaded into an app (for the code cache, launch.ts). */
export const afterFirstLoad = (callback: () => void): void => void server.firstLoad.then(callback);
