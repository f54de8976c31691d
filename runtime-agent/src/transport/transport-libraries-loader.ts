/**
 * The agent library's bundle (build.mjs) takes its imports of ws, vscode-jsonrpc and zod from
 * here: from their own bundle (transport-libraries.ts), loaded with its own code cache the
 * first time one of them is needed, when a client's first upgrade is accepted. Run from the
 * sources (the unit tests), nothing imports this file: the sources import the packages.
 */
import { join } from 'node:path';
import { requireWithCodeCache } from '../code-cache';
import { afterFirstCommit } from '../code-server/first-commit';
import type * as TransportLibraries from './transport-libraries';

/** The bundled transport libraries' file name, next to the library's bundle (build.mjs defines it). */
declare const TRANSPORT_LIBRARIES_BUNDLE: string;

let libraries: (typeof TransportLibraries)['libraries'] | undefined;

export function transportLibrary(name: string): unknown {
  if (!libraries) {
    const bundle = requireWithCodeCache(join(__dirname, TRANSPORT_LIBRARIES_BUNDLE));
    // Loaded to serve a connection, which is served by the next turn: the cache made then
    // holds what that compiled; and once more after the first save, which runs more of them.
    bundle.saveWhenWarm(() => true);
    bundle.saveAfterFirstCommit(afterFirstCommit);
    libraries = (bundle.exports as typeof TransportLibraries).libraries;
  }
  if (!(name in libraries)) throw new Error(`the agent's transport libraries have no '${name}'`);
  return libraries[name];
}
