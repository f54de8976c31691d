/**
 * A live load's patch, made as the code server makes it, without an app: the running version's
 * text made live in a module, then the patch of each later text against it.
 */
import { digestOf } from '../../runtime-agent/src/code-server/live/digest';
import { Edits } from '../../runtime-agent/src/code-server/live/edits';
import { instrumentFunctions } from '../../runtime-agent/src/code-server/live/instrument';
import type { LiveModule } from '../../runtime-agent/src/code-server/live/live-module';
import { buildPatch, type Patch } from '../../runtime-agent/src/code-server/live/patch';
import { readProgram, type ModuleKind } from '../../runtime-agent/src/code-server/live/program';

/** The patch a load of each later text makes, against `before` made live in `module`. */
export function patchAfter(module: LiveModule, before: string, kind: ModuleKind = 'cjs'): (after: string) => Patch {
  const first = readProgram(before, undefined, kind);
  instrumentFunctions(first, module, 1, new Edits());
  return (after) => buildPatch(digestOf(first), readProgram(after, undefined, kind), module, 2);
}
