/** The state-type analysis (state-types/) in the shape the save pipeline asks for. */
import type { FieldChange, StateTypes } from './save-pipeline';
import {
  StateTypeAnalyzer,
  changedFields,
  diffField,
  diffShapes,
  exportsTypeSources,
  isTypeOnlySource,
  mayHoldState,
  mayHoldStateIn,
  TypeDependents,
} from './state-types';
import ts from 'typescript';
import { typescriptRelativeImports } from './typescript-imports';

/** Files whose last text read is kept (see `read`). */
const FILES_READ = 8;

/** The analysis; `registry` shares parsed files with other analyses (a load server's, made for each load). */
export function createStateTypes(registry?: ts.DocumentRegistry): StateTypes {
  const analyzer = new StateTypeAnalyzer({ registry });
  const dependents = new TypeDependents();
  // The last text read of each of the last few files: a save asks whether it may hold state and
  // whether it exports what other modules may type state with, one parse; reading ahead
  // (read-ahead.ts) asks first, while typing pauses, and its analyses ask of other files too (the
  // modules importing its types).
  const lastRead = new Map<string, { text: string; holdsState: boolean; exportsTypeSources: boolean }>();
  const read = (file: string, text: string) => {
    let last = lastRead.get(file);
    if (last?.text !== text) {
      const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, false);
      last = { text, holdsState: mayHoldStateIn(sourceFile, text), exportsTypeSources: exportsTypeSources(sourceFile) };
      lastRead.delete(file);
      lastRead.set(file, last);
      if (lastRead.size > FILES_READ) lastRead.delete(lastRead.keys().next().value!);
    }
    return last;
  };
  const holdsState = (file: string, text: string): boolean => read(file, text).holdsState;
  return {
    // A module whose syntax declares no state is not analysed (see may-hold-state.ts).
    analyze: (file, text) =>
      holdsState(file, text) ? [...analyzer.analyze(file, text), ...analyzer.analyzeHolders(file, text)] : [],
    mayHoldState: holdsState,
    diff: diffShapes,
    fieldChanges: (old, next) => {
      if (old.shape.type !== 'object' || next.shape.type !== 'object') return [];
      return changedFields(old.shape, next.shape).map((name): FieldChange => {
        const field = next.fields!.find((f) => f.name === name)!;
        const was = old.fields!.find((f) => f.name === name)!;
        return { name, typeName: field.typeName, lines: diffField(was.shape, field.shape), range: field.range };
      });
    },
    stubEdits: (file, text, change) => {
      const old = { info: change.old, vsn: change.fromVsn, n: change.fromSeq };
      return change.server.kind
        ? analyzer.holderStubEdits(file, text, old)
        : analyzer.codeChangeStubEdits(file, text, old);
    },
    isTypeOnly: isTypeOnlySource,
    exportsTypeSources: (file, text) => read(file, text).exportsTypeSources,
    typeDependents: (typeFile, candidates) => dependents.of(typeFile, candidates),
    relativeImports: typescriptRelativeImports,
    setDocument: (file, text) => (text === undefined ? analyzer.closeDocument(file) : analyzer.setDocument(file, text)),
    analyses: () => analyzer.analyses,
    dispose: () => analyzer.dispose(),
    warm: () => {
      analyzer.warm();
      warmMayHoldState();
    },
  };
}

/** Rounds of the warm-up below (each ≈1 ms once warm). */
const WARM_UP_ROUNDS = 10;

/**
 * Rounds of the syntax test every save runs first, on a sample of plain code as a `.js` and a
 * `.ts` file: TypeScript's parser is warm from the analysis, but not its paths for JavaScript
 * files (JSDoc) nor the test's own code, which made the first saves' test take several times
 * as long as later ones. The scan of the save's imports, which the analysis does not run,
 * warms with it.
 */
function warmMayHoldState(): void {
  const sample = Array.from(
    { length: 40 },
    (_, i) =>
      `/** helper ${i} */\nfunction f${i}(a, b = {}) { // note\n  const x = [a, b].map((v) => v ?? ${i}); /* c */\n` +
      `  return x.length > 1 ? \`\${a}\` : null;\n}\nexports.f${i} = f${i};\nclass C${i} { m() { return this; } }`,
  ).join('\n');
  for (let round = 0; round < WARM_UP_ROUNDS; round++) {
    mayHoldState('/.hotpatch-warm-up.js', sample);
    mayHoldState('/.hotpatch-warm-up.ts', sample);
    ts.preProcessFile(sample, true, true); // the scan of a save's imports (typescript-imports.ts)
  }
}
