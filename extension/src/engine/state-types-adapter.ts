/** The state-type analysis the save pipeline uses (see state-types/); undefined until it exists. */
import type { StateTypes } from './save-pipeline';

export function createStateTypes(): StateTypes | undefined {
  return undefined;
}
