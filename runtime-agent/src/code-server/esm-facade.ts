/**
 * ES modules are imported once and never again: Node cannot free an ES module, so reloading by
 * URL leaks every version. A module that exports a constant its code makes and that may be a
 * function (`export const greet = makeGreeter('howdy')`, which a load makes again; see
 * live/never-a-function.ts) is served as a generated facade: it imports the original module
 * once (under `?hotpatch=original`), hands its namespace to the code server,
 * and re-exports that name as an `export let` binding the code server refreshes on every load,
 * the others as the original's own bindings. Any other live module is served as it is, with a
 * footer that hands it over (adoptionFooter): its importers read its own bindings.
 *
 * Runs in the module hooks thread on Node 20; pure string work, no state.
 */

/** The global through which facades reach the agent in the main thread. */
export const AGENT_GLOBAL = 'hotpatch-agent';
/** Where a module's code finds the agent. */
const AGENT = `globalThis[Symbol.for(${JSON.stringify(AGENT_GLOBAL)})]`;
export const ORIGINAL_PARAM = 'hotpatch';

export interface FacadeExports {
  /** Names the original exports (including 'default'). */
  names: string[];
  /** The original has `export * from ...`: those names are re-exported from it as they are. */
  hasStarReexports: boolean;
  /**
   * Of `names`, those re-exported from the original as they are, live bindings: variables the
   * module itself may assign (`export let db` set by `connect()`), exports of other modules
   * (`export { db } from './db.js'`), a default expression, whose importers must see every
   * assignment, a load's included; its functions and classes, the same objects through every
   * load; its constants that are never functions (an instance, data); and every export of a
   * module that cannot take a new version. The others (constants its code makes that may be
   * functions) take the face's value, which follows each load (a trampoline for a function).
   */
  direct?: string[];
  /**
   * Each export's name and the module binding it reads, when every export reads one of the
   * module's own (no `export *`, no default expression, no export of another module's): the
   * module is then adopted with a namespace made from its bindings (bound-namespace.ts), not by
   * importing itself. Pairs, not an object: in the footer's code, an export named `__proto__`
   * would be an object literal's prototype.
   */
  locals?: Array<[name: string, local: string]>;
}

export function originalUrl(url: string): string {
  const original = new URL(url);
  original.searchParams.set(ORIGINAL_PARAM, 'original');
  return original.href;
}

/** The facade's URL for the original's: the URL the app imports the module by. */
export function facadeUrl(originalUrl: string): string {
  // Most live modules have no facade: their URL has no query to take the mark out of (and
  // parsing each URL was ≈3 µs a module at startup).
  if (!originalUrl.includes('?')) return originalUrl;
  const facade = new URL(originalUrl);
  facade.searchParams.delete(ORIGINAL_PARAM);
  return facade.href;
}

export function isOriginalUrl(url: string): boolean {
  if (!url.includes('?')) return false;
  return new URL(url).searchParams.get(ORIGINAL_PARAM) === 'original';
}

export function facadeSource(url: string, file: string, exports: FacadeExports): string {
  // The original's top level, from its first statement (its instrumented header) to the
  // facade's own (adoptEsm, next in evaluation order), is its first version's: the timers and
  // servers it starts are recorded as owned by it (code-server.ts beginEsm and endEsm).
  const direct = new Set(exports.direct);
  const faced = exports.names.filter((name) => !direct.has(name));
  const locals = faced.map((_, i) => `__hp_e${i}`);
  const original = JSON.stringify(originalUrl(url));
  const lines = [
    `import * as __hp_original from ${original};`,
    ...(exports.hasStarReexports ? [`export * from ${original};`] : []),
    ...(direct.size > 0
      ? [`export { ${[...direct].map((name) => JSON.stringify(name)).join(', ')} } from ${original};`]
      : []),
    `const __hp_face = ${AGENT}.adoptEsm(${JSON.stringify(file)}, __hp_original, ${JSON.stringify(exports.names)}, (face) => {`,
    ...faced.map((name, i) => `  ${locals[i]} = face[${JSON.stringify(name)}];`),
    `});`,
    ...faced.map((name, i) => `let ${locals[i]} = __hp_face[${JSON.stringify(name)}];`),
    faced.length > 0
      ? `export { ${faced.map((name, i) => `${locals[i]} as ${JSON.stringify(name)}`).join(', ')} };`
      : '',
  ];
  return lines.join('\n') + '\n';
}

/**
 * What ends a live module served without a facade: once its top level has run, its hand-over
 * to the code server, as a facade does, with its namespace, which the module imports from
 * itself (hoisted, as every import is). On lines of their own: the module's last line may be a comment.
 */
export function adoptionFooter(url: string, file: string): string {
  return `\nimport * as __hp_self from ${JSON.stringify(url)};\n${AGENT}.adoptEsm(${JSON.stringify(file)}, __hp_self);\n`;
}

/**
 * The footer of a module whose every export reads one of its own bindings (`locals`): its
 * namespace is made from those (see bound-namespace.ts), with no import of its own.
 */
export function boundAdoptionFooter(file: string, locals: NonNullable<FacadeExports['locals']>): string {
  return `\n${AGENT}.adoptEsmBound(${JSON.stringify(file)}, ${JSON.stringify(locals)});\n`;
}
