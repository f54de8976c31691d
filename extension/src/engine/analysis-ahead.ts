/**
 * A save's state-type analyses, made while typing pauses (read-ahead.ts), so that the save finds
 * them made: the analyzer gives an analysis again where what it reads has not changed
 * (state-types/analyzer.ts), and a module with state is what most of a real app's saves are in.
 * Its save then spends a few milliseconds on its state types, not the ≈30 ms of a TypeScript
 * program built and checked, nor as much again for the modules that hold its types (issue 13).
 *
 * The analyses are those the save's check makes (save-pipeline.ts), in the same order, since an
 * analysis reads the documents the ones before it set. What they record is what the save would
 * record the same way (the running versions' analyses); the save decides everything itself.
 */
import type { StateTypes } from './state-change';
import type { Target } from './targets';
import { importerStateChanges, type TypeFileContext } from './type-file-saves';

export async function analyzeAhead(
  context: TypeFileContext,
  types: StateTypes,
  save: { file: string; text: string },
  targets: readonly Target[],
  /**
   * Whether the save will analyse the text's own state: not where the file's last text declared
   * none (stateless-files.ts), whose save goes to the agents before its text is tested. Its save
   * still analyses the modules that hold the types it exports (an enum, an `as const` object):
   * 54–92 ms at the save in the corpus when the pause had not made them.
   */
  ownState = true,
): Promise<void> {
  // The analyses of the importing modules set their old sources as documents, which the first
  // pause finds missing: its own analysis then read fewer documents than the save's will. A
  // second pass reads them as the save will; where the first made nothing new, it is not needed.
  for (let pass = 0; pass < 2; pass++) {
    const made = types.analyses?.().made;
    await analyzeOnce(context, types, save, targets, ownState);
    if (made === undefined || types.analyses?.().made === made) return;
  }
}

/** The save's analyses, once, in the save's order. */
async function analyzeOnce(
  context: TypeFileContext,
  types: StateTypes,
  { file, text }: { file: string; text: string },
  targets: readonly Target[],
  ownState: boolean,
): Promise<void> {
  if (ownState) {
    if (types.mayHoldState?.(file, text) !== false) {
      // The running versions' analyses first: kept, they are not made again at the save, and made
      // after the text's, the old sources they set as documents would change what the save's reads.
      for (const { client, module } of targets) await context.running.of(types, client, module, file);
    }
    types.analyze(file, text);
  }
  if (!types.typeDependents || !types.exportsTypeSources?.(file, text) || targets.length === 0) return;
  // The modules that hold the file's types, as a single save of the text analyses them.
  const runningText = () => context.running.sourceOf(targets[0]!.client, targets[0]!.module);
  const saved = { file, text, previousText: undefined };
  await importerStateChanges(context, types, saved, new Map([[file, text]]), runningText);
}
