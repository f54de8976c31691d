/** The state-type analysis (state-types/) in the shape the save pipeline asks for. */
import type { StateTypes } from './save-pipeline';
import { StateTypeAnalyzer, diffShapes } from './state-types';

export function createStateTypes(): StateTypes {
  const analyzer = new StateTypeAnalyzer();
  return {
    analyze: (file, text) => analyzer.analyze(file, text),
    diff: diffShapes,
    stubEdits: (file, text, change) =>
      analyzer.codeChangeStubEdits(file, text, { info: change.old, vsn: change.fromVsn, n: change.fromSeq }),
  };
}
