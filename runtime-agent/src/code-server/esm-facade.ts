/**
 * ES modules are served once as a generated facade and never re-imported: Node cannot free an
 * ES module, so reloading by URL leaks every version. The facade imports the original module
 * once (under `?hotpatch=original`), hands its namespace to the code server, and re-exports
 * each name as an `export let` binding the code server refreshes on every load, so named
 * imports anywhere in the app are live.
 *
 * Runs in the module hooks thread on Node 20; pure string work, no state.
 */

/** The global through which facades reach the agent in the main thread. */
export const AGENT_GLOBAL = 'hotpatch-agent';
export const ORIGINAL_PARAM = 'hotpatch';

export interface FacadeExports {
  /** Names the original exports (including 'default'). */
  names: string[];
  /** The original has `export * from ...`: those names are re-exported from it as they are. */
  hasStarReexports: boolean;
}

export function originalUrl(url: string): string {
  const original = new URL(url);
  original.searchParams.set(ORIGINAL_PARAM, 'original');
  return original.href;
}

export function isOriginalUrl(url: string): boolean {
  return new URL(url).searchParams.get(ORIGINAL_PARAM) === 'original';
}

export function facadeSource(url: string, exports: FacadeExports): string {
  const agent = `globalThis[Symbol.for(${JSON.stringify(AGENT_GLOBAL)})]`;
  // Tiny modules evaluated right before and after the original: its top-level timers are
  // recorded as owned by its first version. ES module siblings evaluate in import order.
  const call = (fn: string): string =>
    `data:text/javascript,${encodeURIComponent(`${agent}.${fn}(${JSON.stringify(url)});`)}`;
  const locals = exports.names.map((_, i) => `__hp_e${i}`);
  const lines = [
    `import ${JSON.stringify(call('beginEsm'))};`,
    `import * as __hp_original from ${JSON.stringify(originalUrl(url))};`,
    `import ${JSON.stringify(call('endEsm'))};`,
    ...(exports.hasStarReexports ? [`export * from ${JSON.stringify(originalUrl(url))};`] : []),
    `const __hp_face = ${agent}.adoptEsm(${JSON.stringify(url)}, __hp_original, ${JSON.stringify(exports.names)}, (face) => {`,
    ...exports.names.map((name, i) => `  ${locals[i]} = face[${JSON.stringify(name)}];`),
    `});`,
    ...exports.names.map((name, i) => `let ${locals[i]} = __hp_face[${JSON.stringify(name)}];`),
    exports.names.length > 0
      ? `export { ${exports.names.map((name, i) => `${locals[i]} as ${JSON.stringify(name)}`).join(', ')} };`
      : '',
  ];
  return lines.join('\n') + '\n';
}
