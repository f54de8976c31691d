/**
 * Zero-code-change entry: `node -r hotpatch-agent/register app.js` or
 * `node --import hotpatch-agent/register app.mjs`. Options come from HOTPATCH_* variables.
 * Never takes the app down: a refusal or failure to start is one line on stderr.
 */
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { requireWithCodeCache } from './code-cache';
import type * as Library from './index';
import { launcherEntry } from './launchers';
import { optionsFromEnv } from './options';
import { waitForPredecessor } from './predecessor';

// Preloads also run in worker threads, the module-hooks thread among them: the agent belongs
// to the main thread only. Through NODE_OPTIONS (a debug launch) the preload reaches every Node
// process of the tree, npm's and tsx's launcher among them: those get no agent.
const launcher = process.env.HOTPATCH_APP_PROCESSES_ONLY === '1' ? launcherEntry(process.argv) : undefined;
if (isMainThread && !launcher) {
  // An app the agent restarted starts once the process it replaces has freed its ports.
  waitForPredecessor();
  startFromEnv();
}

function startFromEnv(): void {
  const refuse = (error: unknown): void => {
    console.error(`[hotpatch] agent not started: ${error instanceof Error ? error.message : String(error)}`);
  };
  let started: ReturnType<typeof Library.start>;
  try {
    // The library itself, next to this file, shared with the app's own `require('hotpatch-agent')`.
    const library = requireWithCodeCache(join(__dirname, 'index.js'));
    const { start, programsRead, useTransformCache, appStarted } = library.exports as typeof Library;
    if (library.location) useTransformCache(library.location, appStarted());
    // Synchronous up to the module hooks: they must be in place before the app's first require.
    started = start(optionsFromEnv(), { listenWhenLoopTurns: true });
    library.saveWhenWarm(() => programsRead() > 0);
  } catch (error) {
    refuse(error);
    return;
  }
  started.then((agent) => {
    if (process.env.HOTPATCH_QUIET !== '1') {
      console.error(`[hotpatch] agent for ${agent.options.appName} listening on ${agent.url} (pid ${process.pid})`);
    }
  }, refuse);
}
