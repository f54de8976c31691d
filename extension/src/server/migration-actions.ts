/**
 * What the server offers when a save changed a state type and brought no `codeChange`: the
 * prompt (Generate migration, Load and restart processes, Cancel) and the quick fix on the
 * diagnostic, both writing the typed stub.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  type CodeAction,
  type Connection,
  type Diagnostic,
  type Position,
  type Range,
  type TextDocuments,
  type TextEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { describeStateChange, type SavePipeline, type StateChange, type StateTypes } from '../engine/save-pipeline';
import { migrationStubEdits } from '../engine/migration-stubs';
import * as ext from '../shared/lsp-extensions';

const GENERATE = 'Generate migration';
const RESTART = 'Load and restart processes';
const CANCEL = 'Cancel';

export interface MigrationActionsContext {
  readonly connection: Connection;
  readonly documents: TextDocuments<TextDocument>;
  stateTypes(): StateTypes | undefined;
  pipeline(): SavePipeline | undefined;
  /** Whether the client handles window/showDocument (LSP 3.16), used to reveal a generated migration. */
  canShowDocument(): boolean;
  /** The document's text in the editor, else on disk. */
  textOf(uri: string): Promise<string>;
}

export class MigrationActions {
  /** State changes found at the last save of each file (or of a type file it imports), for the code action. */
  readonly changes = new Map<string, StateChange[]>();

  constructor(readonly context: MigrationActionsContext) {}

  /** The prompt after a save that needs a migration; it is written in the first change's file. */
  async prompt(changes: StateChange[]): Promise<void> {
    const first = changes[0]!;
    const uri = pathToFileURL(first.file).href;
    const choice = await this.context.connection.window.showWarningMessage(
      `Hotpatch: ${describeStateChange(first)}. Nothing was loaded.`,
      { title: GENERATE },
      { title: RESTART },
      { title: CANCEL },
    );
    if (choice?.title === GENERATE) {
      const open = this.context.documents.get(uri);
      const before = TextDocument.create(
        uri,
        open?.languageId ?? 'typescript',
        open?.version ?? 0,
        await this.context.textOf(uri),
      );
      const edits = this.#stubEdits(
        before,
        changes.filter((c) => c.file === first.file),
      );
      if (edits.length === 0) return;
      const { applied } = await this.context.connection.workspace.applyEdit({ changes: { [uri]: edits } });
      if (!applied || !this.context.canShowDocument()) return;
      // Show the user what was written: the migration is theirs to check before the next save.
      const stub = edits.find((e) => e.newText.includes('codeChange(')) ?? edits[0]!;
      await this.context.connection.window.showDocument({
        uri,
        selection: appliedRange(before, edits, stub),
        takeFocus: true,
      });
    } else if (choice?.title === RESTART) {
      // Load the new code and restart the processes fresh (purge semantics) — see the release handler.
      for (const file of new Set(changes.map((c) => c.file))) {
        await this.context.pipeline()!.restart(file, await this.context.textOf(pathToFileURL(file).href));
      }
      void this.context.connection.sendNotification(ext.treeChanged);
    }
  }

  /** The edits writing the codeChange stubs for `changes` in `document`'s file (see migration-stubs.ts). */
  #stubEdits(document: TextDocument, changes: StateChange[]): TextEdit[] {
    const stateTypes = this.context.stateTypes();
    if (!stateTypes) return [];
    return migrationStubEdits(stateTypes, fileURLToPath(document.uri), document.getText(), changes).map((e) => ({
      range: { start: document.positionAt(e.start), end: document.positionAt(e.end) },
      newText: e.newText,
    }));
  }

  codeActions(uri: string, diagnostics: Diagnostic[]): CodeAction[] {
    const changes = this.changes.get(uri);
    const relevant = diagnostics.filter((d) => d.source === 'hotpatch' && d.code === 'state-changed');
    const document = this.context.documents.get(uri);
    if (!changes || relevant.length === 0 || !document) return [];
    const edits = this.#stubEdits(document, changes);
    if (edits.length === 0) return [];
    return [
      {
        title: `Generate codeChange migration from v${changes[0]!.fromVsn}`,
        kind: CodeActionKind.QuickFix,
        diagnostics: relevant,
        isPreferred: true,
        edit: { changes: { [uri]: edits } },
      },
    ];
  }
}

/** Where `stub`, one of `edits` of `before`, lies once they are all applied: edits above it shift it. */
function appliedRange(before: TextDocument, edits: TextEdit[], stub: TextEdit): Range {
  const after = TextDocument.create(
    before.uri,
    before.languageId,
    before.version + 1,
    TextDocument.applyEdits(before, edits),
  );
  const offset = (position: Position) => before.offsetAt(position);
  const shift = edits
    .filter((e) => e !== stub && offset(e.range.end) <= offset(stub.range.start))
    .reduce((sum, e) => sum + e.newText.length - (offset(e.range.end) - offset(e.range.start)), 0);
  const start = offset(stub.range.start) + shift;
  return { start: after.positionAt(start), end: after.positionAt(start + stub.newText.length) };
}
