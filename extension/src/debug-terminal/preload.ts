/**
 * Preloaded through NODE_OPTIONS into the Node processes started in VS Code's terminals (see
 * client/debug/debug-terminal.ts). It acts only in a process a JavaScript debugger attaches to
 * (js-debug sets VSCODE_INSPECTOR_OPTIONS in its JavaScript Debug Terminal and for auto-attach),
 * in a project that has `hotpatch-agent`: there it loads the project's agent, which skips
 * launchers (HOTPATCH_APP_PROCESSES_ONLY). Anywhere else it does nothing, and it never keeps a
 * process from starting.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { errorMessage } from '../shared/error-message';

function loadAgentWhenDebugged(): void {
  const env = process.env;
  if (!isMainThread || !env.VSCODE_INSPECTOR_OPTIONS) return;
  const projectRequire = createRequire(join(process.cwd(), 'package.json'));
  let register: string;
  try {
    register = projectRequire.resolve('hotpatch-agent/register');
  } catch {
    return; // A project without the agent runs as it would.
  }
  if (env.HOTPATCH_DEBUG_DISCOVERY_DIR && !env.HOTPATCH_DISCOVERY_DIR) {
    env.HOTPATCH_DISCOVERY_DIR = env.HOTPATCH_DEBUG_DISCOVERY_DIR;
  }
  env.HOTPATCH_APP_PROCESSES_ONLY ??= '1';
  projectRequire(register);
}

try {
  loadAgentWhenDebugged();
} catch (error) {
  console.error(`[hotpatch] agent not started: ${errorMessage(error)}`);
}
