/**
 * An ES module's source, read in the hooks thread at once and handed down the chain of load
 * hooks in `context.source`, which Node's own load uses instead of reading the file itself
 * (its defaultLoad reads only `if (source == null)`).
 *
 * Why: once any loader is registered with `module.register` (the agent's hooks on Node 20, and
 * on any Node without `module.registerHooks`), Node's own load reads each module with
 * fs/promises, an open, a stat, a read and a close, each a round trip through libuv's thread
 * pool, while the app's thread waits for the module. Read synchronously here it is one call
 * (one file at a time: a local disk answers at once). A load hook that did nothing else
 * started an app of 2,000 ES modules of ≈70 lines in 1.48 s against 1.71 s calling Node's load
 * as it is (1.03 s without any hook; issue 13).
 *
 * Only where the load after the agent's is Node's own: the agent's hooks were registered first
 * (agentHooksRegisteredFirst, esm-hooks-needed.ts), so no other loader gets a source it did not
 * ask for; and only for a `file:` URL whose format Node's resolve already gave as `module`, the
 * case Node's load would read from the file (a CommonJS module is read by require, a builtin
 * has none). Where the file cannot be read (gone, a folder, no permission) nothing is read
 * ahead: Node's load reads it, and says why it could not.
 */
import { readFileSync } from 'node:fs';
import { filePathOf } from './esm-load';

/** What the load hooks read of the context Node gives them. */
export interface LoadContext {
  format?: string | null;
  source?: unknown;
}

/** `context` with the module's source at `url` read into it, where Node's load would read it. */
export function withSourceRead<Context extends LoadContext>(url: string, context: Context): Context & LoadContext {
  if (context.format !== 'module' || context.source != null || !url.startsWith('file:')) return context;
  let source: Buffer;
  try {
    source = readFileSync(filePathOf(url));
  } catch {
    return context;
  }
  return { ...context, source };
}

/**
 * `nextLoad(url)` with the module's source read ahead (withSourceRead). Node copies what a hook
 * hands on into one context object that every hook of the same load receives (its
 * nextHookFactory): the source would stay in it, and a hook that called `nextLoad` again in
 * that load, for another module, would get this one's bytes. So the context given is as it was
 * once `nextLoad` returns.
 */
export async function nextLoadWithSource<Result>(
  url: string,
  context: LoadContext,
  nextLoad: (url: string, context?: LoadContext) => Promise<Result>,
): Promise<Result> {
  const read = withSourceRead(url, context);
  if (read === context) return nextLoad(url, context);
  const had = 'source' in context;
  const before = context.source;
  try {
    return await nextLoad(url, read);
  } finally {
    if (had) context.source = before;
    else delete context.source;
  }
}
