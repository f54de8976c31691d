/**
 * The JavaScript Debug Terminal gets the agent too. js-debug starts its debug terminals itself,
 * not through launch configurations, so the agent reaches them as js-debug's own bootloader
 * does: a preload in the NODE_OPTIONS of the window's terminals (an environment variable
 * collection), which loads the project's agent only in processes being debugged (see
 * debug-terminal/preload.ts). Other terminals' processes load the preload and nothing else.
 */
import * as vscode from 'vscode';
import { SECTION, discoveryDirSetting } from '../settings';
import { requireOption } from './agent-launch';

export function registerDebugTerminalAgent(context: vscode.ExtensionContext): vscode.Disposable[] {
  const collection = context.environmentVariableCollection;
  collection.description = 'Hotpatch: the agent for apps started in the JavaScript Debug Terminal';
  const preload = context.asAbsolutePath('extension/dist/debug-terminal-preload.js');
  const apply = () => {
    collection.clear();
    const enabled =
      vscode.workspace.isTrusted && vscode.workspace.getConfiguration(SECTION).get<boolean>('debug.addAgent', true);
    if (!enabled) return;
    collection.append('NODE_OPTIONS', ` ${requireOption(preload)}`);
    const discoveryDir = discoveryDirSetting();
    if (discoveryDir) collection.replace('HOTPATCH_DEBUG_DISCOVERY_DIR', discoveryDir);
  };
  apply();
  return [
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (
        event.affectsConfiguration(`${SECTION}.debug.addAgent`) ||
        event.affectsConfiguration(`${SECTION}.discoveryDir`)
      )
        apply();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(apply),
  ];
}
