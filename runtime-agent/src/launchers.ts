/**
 * Which processes are launchers rather than the app: with the agent preloaded through
 * NODE_OPTIONS (how the editor's debug launches add it), every Node process of the tree loads
 * it, `npm start`, tsx's and nodemon's launchers among them. Those run an entry script from a
 * node_modules folder (npm's own lives in one too); the app they start runs the project's.
 * js-debug's auto-attach draws the same line.
 */

/** The entry script when it is a tool's (inside node_modules), else undefined. */
export function launcherEntry(argv: readonly string[]): string | undefined {
  const entry = argv[1];
  return entry?.split(/[\\/]/).includes('node_modules') ? entry : undefined;
}
