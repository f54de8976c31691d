/**
 * An ES module's source, read in the hooks thread at once and handed down the chain of load
 * hooks in `context.source`, which Node's own load uses instead of reading the file itself
 * (its defaultLoad reads only `if (source == null)`).
 *
 * Why: once any loader is registered with `module.register` (the agent's hooks on Node 20, and
 * on any Node without `module.registerHooks`), Node's own load reads each module with
 * fs/promises, an open, a stat, a read and a close, each a round trip through libuv's thread
 * pool, while the app's thread waits for the module. Read synchronously here it is one call. A
 * load hook that did nothing else started an app of 2,000 ES modules of ≈70 lines in 1.48 s
 * against 1.71 s calling Node's load as it is (1.03 s without any hook; issue 13).
 *
 * Only a `file:` URL whose format Node's resolve already gave as `module`, the case Node's load
 * would read from the file: a CommonJS module is read by require (its load passes no source), a
 * builtin has none. The loaders later in the chain get the same context: those that pass it on
 * with the URL they were given (tsx, which may take a query off it) load the file it names.
 * Where the file cannot be read (gone, a folder, no permission) the context is left as it was:
 * Node's load then reads it, and says why it could not.
 */
import { readFileSync } from 'node:fs';
import { filePathOf } from './esm-load';

export interface SourceContext {
  format?: string | null;
  source?: unknown;
}

/** `context` with the module's source at `url` read into it, where Node's load would read it. */
export function withSourceRead<Context extends SourceContext>(url: string, context: Context): Context & SourceContext {
  if (context.format !== 'module' || context.source != null || !url.startsWith('file:')) return context;
  let source: Buffer;
  try {
    source = readFileSync(filePathOf(url));
  } catch {
    return context;
  }
  return { ...context, source };
}
