/**
 * What the protocol's parameter schemas are made of: zod's small build (zod/mini: a third of the
 * full one's load time, which every CLI run and the agent's first connection pay), with the full
 * build's English messages, which an invalid request's error carries.
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config(en());

// `z` is not exported from here: each file imports it from zod/mini. A namespace passed on by
// name is one esbuild cannot see into, and the bundles that import this protocol (the CLI's,
// the language server's) then carried all of zod, every locale of its messages included:
// 0.5 MB more for every `hotpatch ls` to read.

/** A string of at most `max` characters. */
export const shortString = (max: number) => z.string().check(z.maxLength(max));
/** A string of `min` to `max` characters. */
export const boundedString = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));
/** An absolute path as the app loaded it. */
export const filePath = () => boundedString(1, 4096);
/** A safe integer from `min` to `max`. */
export const boundedInt = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));
/** How long to wait before giving up (ms); 5 s unless given. */
export const timeoutMs = () => z._default(boundedInt(1, 600_000), 5000);
