/**
 * The language server's entry point (dist/server.js): loads the server itself
 * (dist/server-main.js, ≈2 MB) with V8's code cache, as the agent loads its library
 * (hotpatch-agent/code-cache). A save runs code nothing before it did (issue 13: every save
 * ≤ 25 ms, the first included): compiled on the spot, it made a 500-line module's first save
 * ≈4 ms longer than the next ones. The cache is made once the server has answered its client,
 * and once more after its first save was loaded: each later start has that code compiled.
 */
import { join } from 'node:path';
import { requireWithCodeCache } from 'hotpatch-agent/code-cache';
import type * as Server from './main';

const server = requireWithCodeCache(join(__dirname, 'server-main.js'));
const { initialized, afterFirstLoad } = server.exports as typeof Server;
server.saveWhenWarm(initialized);
server.saveAfterFirstCommit(afterFirstLoad);
