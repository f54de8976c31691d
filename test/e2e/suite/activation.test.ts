// The extension, loaded from this repository as the development extension, activates in a real
// VS Code (code-server's extension host, or desktop VS Code through @vscode/test-electron).
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

// The repository root's package.json is the extension manifest (out/suite/ → test/e2e/out/suite).
const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')) as {
  publisher: string;
  name: string;
  version: string;
};
const extensionId = `${manifest.publisher}.${manifest.name}`;

suite('activation', () => {
  test(`${extensionId} is installed as the development extension`, () => {
    const ext = vscode.extensions.getExtension(extensionId);
    assert.ok(ext, `${extensionId} not found among ${vscode.extensions.all.map((e) => e.id).join(', ')}`);
    assert.equal((ext.packageJSON as { version?: string }).version, manifest.version);
  });

  test('activates', async () => {
    const ext = vscode.extensions.getExtension(extensionId);
    assert.ok(ext);
    const main = (ext.packageJSON as { main?: string }).main;
    assert.ok(main, 'the manifest has no "main"');
    assert.ok(existsSync(join(ext.extensionPath, main)), `${main} is missing: run npm run build`);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  test('opens the fixture workspace', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1);
    assert.ok(folders[0]?.uri.fsPath.endsWith('workspace'), folders[0]?.uri.toString());
  });
});
