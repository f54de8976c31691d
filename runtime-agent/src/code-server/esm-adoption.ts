/**
 * How a hot ES module reaches the code server once its first version has evaluated: a footer
 * the module hooks append to its code imports the module's own namespace and hands it over
 * (adoptEsm). The module is imported once, under the URL the app imports it by, and never
 * again: Node cannot free an ES module, so reloading by URL would leak every version. Its
 * later versions are patches evaluated in its scope (esm-versions.ts), which assign its
 * bindings: the app's named imports of it, live bindings, follow them.
 *
 * (A module of its own per hot module, a facade re-exporting its names, once did what the
 * bindings do: it made every hot module two module records, most of the start an ES module app
 * took with the agent, issue 13.)
 *
 * Runs in the module hooks thread on Node 20; pure string work, no state.
 */

/** The global through which instrumented modules reach the agent in the main thread. */
export const AGENT_GLOBAL = 'hotpatch-agent';

export interface EsmExports {
  /** Names the module exports (including 'default'). */
  names: string[];
  /** The module has `export * from ...`: those names are in its namespace too. */
  hasStarReexports: boolean;
}

/**
 * The statements appended to the module at `url`: the import of its own namespace (hoisted, as
 * every import) and, once its top level has run, the namespace handed to the code server. On a
 * line of their own: the module's last line may be a comment.
 */
export function adoptionFooter(url: string): string {
  const agent = `globalThis[Symbol.for(${JSON.stringify(AGENT_GLOBAL)})]`;
  return `\nimport * as __hp_self from ${JSON.stringify(url)};${agent}.adoptEsm(${JSON.stringify(url)}, __hp_self);\n`;
}
