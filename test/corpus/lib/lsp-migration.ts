/**
 * The language server mode acting as the user: opening a file once the server sees the app, and,
 * when a save is refused because a state type changed, the migration step (the "Generate
 * migration" code action on the diagnostic, its edits applied, each file it changed saved).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  type CodeAction,
  type Command,
  type Diagnostic,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import * as ext from '../../../extension/src/shared/lsp-extensions';
import type { LspSession } from '../../helpers/lsp';
import { waitFor } from '../../helpers/wait';

/** How long to wait for the server to see a file once it sees the app: a file the app never runs (a type-only module) is opened after this. */
const notRunWaitMs = 2000;

/** How long to wait for the warm-up of a file the app runs, once it is open: TypeScript's first program of a file that imports tRPC's or a GraphQL server's types takes seconds. */
const warmUpWaitMs = 10_000;

/**
 * Opens `file` in the server once it has a connected app with modules, and sees the file among them
 * or, a file the app does not run (an interface file that compiles to nothing), after a short wait.
 * A file the app runs is warmed for its first save as it opens (engine/first-save-warm-up.ts):
 * this waits for that, as a user reads a file before editing it. (The corpus typed at once, and
 * a warm-up that held the server for over a second left the typing no pause to be read ahead in.)
 */
export async function openWhenSeen(session: LspSession, file: string): Promise<void> {
  const tree = async () => (await session.connection.sendRequest(ext.treeRequest)).agents;
  const runs = (agents: ext.TreeAgent[]) =>
    agents.some((a) => a.state === 'connected' && a.modules.some((m) => m.file === file || m.sources.includes(file)));
  await waitFor(`the language server to see the app`, async () =>
    (await tree()).some((a) => a.state === 'connected' && a.modules.length > 0),
  );
  const running = await waitFor(
    `the language server to see ${file}`,
    async () => runs(await tree()),
    notRunWaitMs,
  ).then(
    () => true,
    () => false,
  );
  const logged = session.log.length;
  await session.open(file, readFileSync(file, 'utf8'));
  if (!running) return;
  const name = basename(file);
  await waitFor(
    `the warm-up of ${name}`,
    () =>
      session.log
        .slice(logged)
        .some(
          (line) => line.includes(`warmed ${name} for its first save`) || line.includes(`could not warm ${name} up`),
        ),
    warmUpWaitMs,
  ).catch(() => {});
}

/** The text edits of a workspace edit, by file. */
function editsByFile(edit: WorkspaceEdit): Map<string, TextEdit[]> {
  const byFile = new Map<string, TextEdit[]>();
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) byFile.set(fileURLToPath(uri), edits);
  for (const change of edit.documentChanges ?? []) {
    if ('textDocument' in change) {
      const file = fileURLToPath(change.textDocument.uri);
      byFile.set(file, [...(byFile.get(file) ?? []), ...change.edits.filter((e): e is TextEdit => 'range' in e)]);
    }
  }
  return byFile;
}

function stateChanged(session: LspSession, uri: string): Diagnostic[] {
  return (session.diagnostics.get(uri)?.diagnostics ?? []).filter(
    (d) => d.source === 'hotpatch' && d.code === 'state-changed',
  );
}

/**
 * After a save refused with "migrationNeeded": requests the code actions for the state-changed
 * diagnostics (on the saved file, or, for a type-only file, on the files whose state it types),
 * applies the migration one (as a quick fix does in the editor), writes and saves each file it
 * changed; again if that save is refused too (another holder), at most 3 times. Returns the
 * reports of those saves (the last is the edit's outcome).
 */
export async function generateMigration(
  session: LspSession,
  refused: ext.PatchReport,
  open: (file: string) => Promise<void>,
): Promise<{ reports: ext.PatchReport[]; notes: string[] }> {
  const reports: ext.PatchReport[] = [];
  const notes: string[] = [];
  let last = refused;
  for (let round = 0; round < 3 && last.outcome === 'migrationNeeded'; round++) {
    const others = [...session.diagnostics.keys()].filter((uri) => uri !== last.uri);
    const uri = [last.uri, ...others].find((u) => stateChanged(session, u).length > 0);
    if (!uri) {
      notes.push('migration: the save was refused, but there is no state-changed diagnostic to fix');
      break;
    }
    // An editor asks for quick fixes in an open document: the file the state is in may not be yet.
    await open(fileURLToPath(uri));
    const diagnostics = stateChanged(session, uri);
    const actions = ((await session.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: diagnostics[0]!.range,
      context: { diagnostics },
    })) ?? []) as Array<CodeAction | Command>;
    const action = actions.find(
      (a): a is CodeAction => 'edit' in a && a.edit !== undefined && /migration/i.test(a.title),
    );
    if (!action) {
      notes.push(
        `migration: no "Generate migration" code action (actions: ${actions.map((a) => a.title).join(', ') || 'none'})`,
      );
      break;
    }
    const byFile = editsByFile(action.edit!);
    for (const [file, edits] of byFile) {
      await open(file);
      const before = readFileSync(file, 'utf8');
      const text = TextDocument.applyEdits(
        TextDocument.create(pathToFileURL(file).href, 'typescript', 0, before),
        edits,
      );
      writeFileSync(file, text);
      last = await session.save(file, text);
      reports.push(last);
    }
    notes.push(
      `migration: applied "${action.title}" to ${[...byFile.keys()].map((f) => basename(f)).join(', ')} and saved`,
    );
  }
  return { reports, notes };
}
