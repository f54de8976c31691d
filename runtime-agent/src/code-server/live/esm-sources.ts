/**
 * The code of the ES modules whose first version the module hooks made live in the app's own
 * thread (Node's `module.registerHooks`), by file, from their load until their header runs and
 * takes it. Their header then carries no copy of the module's code: a string literal of the
 * whole module was a sixth of each module's live code, and a second copy of it in memory (15 ms
 * of the start of an app of 2,000 modules, issue 13). In a hooks thread of its own (Node 20), the
 * header still carries it: that thread cannot hand anything over.
 */

import { readFileSync } from 'node:fs';
import { sourceText } from '../esm-load';

/** The module's code as the loader gave it: text, or UTF-8 bytes (decoded when taken). */
const handedOver = new Map<string, string | Uint8Array>();

/** Called by the module hooks as they serve `file`'s first version made live, before it runs. */
export function handOverSource(file: string, source: string | Uint8Array): void {
  handedOver.set(file, source);
}

/**
 * The code of `file` handed over for the header now running. A file loaded twice at once (two
 * URLs of it, both loaded before either ran) has one entry, which the first header takes: the
 * second reads the file, whose text it is unless a loader before the agent's changed it.
 */
export function takeSource(file: string): string {
  const source = handedOver.get(file);
  handedOver.delete(file);
  return source === undefined ? readFileSync(file, 'utf8') : sourceText(source);
}
