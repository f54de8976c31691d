/** State-type analysis for the language server (editor-agnostic): see analyzer.ts. */
export { StateTypeAnalyzer, type StateTypeAnalyzerOptions } from './analyzer';
export { applyEdits } from './apply-edits';
export { diffField, diffShapes } from './diff';
export { ANALYSIS_OPTIONS, createAnalysisRegistry, oldVersionFileName } from './language-service';
export { canonicalShape, printShape, shapeHash } from './print-shape';
export type {
  HolderFieldInfo,
  HolderStateInfo,
  OldHolderVersion,
  OldVersion,
  Position,
  ServerStateInfo,
  TextEdit,
} from './types';
export { changedFields, needsConversion } from './holder-stub';
export { TypeDependents, exportsTypeSources, isTypeOnlySource, typeDependents } from './type-imports';
export { mayHoldState, mayHoldStateIn } from './may-hold-state';
