/**
 * The exports a module's prepared version adds, readable on its face by the modules prepared
 * after it in the same release: a save of a controller with a new handler and of the file that
 * routes to it (`app.get('/bargains', catalog.bargains)`, run as the route file's version is
 * evaluated) is one release, and the route must find the handler then, not only once both commit.
 *
 * Only names the face does not have yet, on a face that is a plain object: nothing the app reads
 * changes. They are taken off once the release is prepared (its commit adds them for good, an
 * abort never does): between a prepare and its commit the app sees the face as it was.
 */
import { isInstance } from './stable-exports';

/** Puts the new names of `raw` (a prepared version's exports) on `face`; returns what takes them off. */
export function exposeNewExports(face: unknown, raw: unknown): () => void {
  // Not a face the app froze or sealed either (`Object.freeze(module.exports)`): it takes no name.
  if (face === null || typeof face !== 'object' || isInstance(face) || !Object.isExtensible(face)) {
    return () => undefined;
  }
  if (raw === null || (typeof raw !== 'object' && typeof raw !== 'function')) return () => undefined;
  const added: string[] = [];
  for (const key of Object.keys(raw)) {
    if (key === '__esModule' || Object.hasOwn(face, key)) continue;
    Object.defineProperty(face, key, {
      get: () => (raw as Record<string, unknown>)[key],
      enumerable: true,
      configurable: true,
    });
    added.push(key);
  }
  return () => {
    for (const key of added) Reflect.deleteProperty(face, key);
  };
}
