/**
 * `hotpatch load`: through this folder's load server when one is up (load-server/, TypeScript
 * kept warm), else in this process (load.ts); a load that paid for TypeScript here starts a
 * server for the next.
 */
import { extname } from 'node:path';
import { TYPESCRIPT_EXTENSIONS } from './describe-save';
import type { LoadOptions } from './load';
import { loadServerSettings } from './load-server/address';
import { complain } from './terminal';

export async function loadCommand(files: string[], options: LoadOptions): Promise<number> {
  const settings = loadServerSettings();
  for (const problem of settings.problems) complain(`hotpatch: ${problem}`);
  // The client is evaluated only where a server may be used.
  const client = settings.wanted ? await import('./load-server/client.js') : undefined;
  const served = await client?.loadThroughServer(files, options);
  if (served !== undefined) return served;
  const { load } = await import('./load.js');
  const exitCode = await load(files, options);
  if (client && files.some((f) => TYPESCRIPT_EXTENSIONS.has(extname(f)))) {
    // After TypeScript's code cache is made (by a 0 ms timer the load set as it ended, which
    // fires before this one), so that the server reads it rather than compiling TypeScript
    // again and making another.
    await new Promise((resolve) => setTimeout(resolve, 0));
    client.startServerInBackground();
  }
  return exitCode;
}
