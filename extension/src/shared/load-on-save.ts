/** `hotpatch.loadOnSave`'s modes, read the same way by the VS Code client and the language server. */
export type LoadOnSave = 'never' | 'manual' | 'all' | 'allIfDirty';

const MODES: readonly LoadOnSave[] = ['never', 'manual', 'all', 'allIfDirty'];

/** The setting's value as a mode; the boolean it was before (true: all, false: never) still counts. */
export function loadOnSaveMode(value: unknown): LoadOnSave {
  if (value === true) return 'all';
  if (value === false) return 'never';
  return MODES.includes(value as LoadOnSave) ? (value as LoadOnSave) : 'all';
}
