/**
 * "Hotpatch: Set up this workspace": adds the agent to the workspace's npm start script and to a
 * `node` launch configuration (see engine/workspace-setup.ts for what changes), shown first as
 * a diff of every file against the proposed text, then applied only when the user accepts in a
 * modal dialog. Offers `npm install -D hotpatch-agent` when the project does not have it.
 */
import * as vscode from 'vscode';
import { AGENT_PACKAGE, planWorkspaceSetup, SetupParseError, type SetupPlan } from '../engine/workspace-setup';

export const SETUP_COMMAND = 'hotpatch.setUpWorkspace';
export const APPLY = 'Apply';
export const INSTALL = 'Install';
const PROPOSED_SCHEME = 'hotpatch-proposed';

/** What the command did, for tests: the plan, and whether it was applied. */
export interface SetupResult {
  folder: string;
  plan: SetupPlan;
  applied: boolean;
}

/** The proposed texts shown on the right of the diff, kept in memory until the next setup. */
class ProposedDocuments implements vscode.TextDocumentContentProvider {
  readonly texts = new Map<string, string>();
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? '';
  }
}

export function registerSetupWorkspace(output: vscode.LogOutputChannel): vscode.Disposable[] {
  const proposed = new ProposedDocuments();
  const run = async (): Promise<SetupResult | undefined> => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(
        'Hotpatch: setting up the workspace is disabled in restricted mode. Trust the workspace first.',
      );
      return undefined;
    }
    const folder = await pickFolder();
    if (!folder) return undefined;
    const packageUri = vscode.Uri.joinPath(folder.uri, 'package.json');
    const launchUri = vscode.Uri.joinPath(folder.uri, '.vscode', 'launch.json');
    let plan: SetupPlan;
    try {
      plan = planWorkspaceSetup(await textOf(packageUri), await textOf(launchUri));
    } catch (error) {
      if (!(error instanceof SetupParseError)) throw error;
      void vscode.window.showErrorMessage(`Hotpatch: cannot set up ${folder.name}: ${error.message}`);
      return {
        folder: folder.uri.fsPath,
        plan: { files: [], changes: [], notes: [], agentMissing: false },
        applied: false,
      };
    }
    for (const note of plan.notes) output.warn(`set up ${folder.name}: ${note}`);
    let applied = false;
    if (plan.files.length === 0) {
      void vscode.window.showInformationMessage(
        `Hotpatch: ${folder.name} runs with the agent already (npm start and its launch configuration).${notesOf(plan)}`,
      );
    } else {
      // The diff first, so the dialog's question is about changes the user can see.
      proposed.texts.clear();
      const resources = plan.files.map((file) => {
        const current = vscode.Uri.joinPath(folder.uri, file.path);
        const path = `/${folder.name}/${file.path}`;
        proposed.texts.set(path, file.proposed);
        const right = vscode.Uri.from({ scheme: PROPOSED_SCHEME, path });
        // A file to be created has nothing on the left: an empty proposed-scheme document.
        const left =
          file.current === undefined ? vscode.Uri.from({ scheme: PROPOSED_SCHEME, path: `${path}.none` }) : current;
        return { current, left, right, file };
      });
      const title = `Hotpatch: set up ${folder.name} (proposed)`;
      if (resources.length === 1) {
        const only = resources[0]!;
        await vscode.commands.executeCommand('vscode.diff', only.left, only.right, `${only.file.path}: ${title}`, {
          preview: true,
        });
      } else {
        await vscode.commands.executeCommand(
          'vscode.changes',
          title,
          resources.map((r) => [r.current, r.left, r.right]),
        );
      }
      const choice = await vscode.window.showInformationMessage(
        `Set up ${folder.name} to run with Hotpatch?`,
        { modal: true, detail: `${plan.changes.join('\n')}${notesOf(plan)}` },
        APPLY,
      );
      if (choice === APPLY) {
        await apply(
          resources.map((r) => ({ uri: r.current, exists: r.file.current !== undefined, text: r.file.proposed })),
        );
        applied = true;
        output.info(`set up ${folder.name}: ${plan.changes.join('; ')}`);
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
        void vscode.window.showInformationMessage(
          `Hotpatch: ${folder.name} is set up: start it with npm start or from the Run view (${plan.changes.length} change(s)).`,
        );
      }
    }
    if (plan.agentMissing) void offerInstall(folder);
    return { folder: folder.uri.fsPath, plan, applied };
  };
  return [
    vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, proposed),
    vscode.commands.registerCommand(SETUP_COMMAND, run),
  ];
}

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showInformationMessage('Hotpatch: open the folder of your app first.');
    return undefined;
  }
  if (folders.length === 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Folder of the app to run with Hotpatch' });
}

/** A file's text: the editor's when it is open (maybe unsaved), else the disk's; undefined when missing. */
async function textOf(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return undefined;
    throw error;
  }
}

/** Writes the texts as one workspace edit (undoable, and right for files open in an editor), then saves them. */
async function apply(files: { uri: vscode.Uri; exists: boolean; text: string }[]): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  for (const file of files) {
    if (!file.exists) {
      edit.createFile(file.uri, { ignoreIfExists: false, contents: new TextEncoder().encode(file.text) });
      continue;
    }
    const document = await vscode.workspace.openTextDocument(file.uri);
    const all = new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length));
    edit.replace(file.uri, all, file.text);
  }
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error('VS Code did not apply the edit');
  for (const file of files) {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === file.uri.toString());
    if (document?.isDirty) await document.save();
  }
}

async function offerInstall(folder: vscode.WorkspaceFolder): Promise<void> {
  const choice = await vscode.window.showInformationMessage(
    `Hotpatch: ${folder.name} does not depend on ${AGENT_PACKAGE}. Install it with npm install -D ${AGENT_PACKAGE}?`,
    INSTALL,
  );
  if (choice !== INSTALL) return;
  const terminal = vscode.window.createTerminal({ name: 'Hotpatch: install the agent', cwd: folder.uri });
  terminal.show();
  terminal.sendText(`npm install -D ${AGENT_PACKAGE}`);
}

function notesOf(plan: SetupPlan): string {
  return plan.notes.length > 0 ? `\n\nNot done: ${plan.notes.join('; ')}.` : '';
}
