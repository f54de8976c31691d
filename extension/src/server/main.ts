/**
 * The Hotpatch language server's entry point: `node dist/server.js --stdio` for any LSP
 * client (VS Code starts it over IPC). Agents are found through $HOTPATCH_DISCOVERY_DIR or
 * the `discoveryDir` initialization option.
 */
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { HotpatchServer } from './hotpatch-server';

const connection = createConnection(ProposedFeatures.all);
new HotpatchServer(connection);
connection.listen();
