/** `hotpatch watch [DIR]`: hot-load every JS/TS file saved under DIR, with state-type checks. */
import { watch as chokidarWatch } from 'chokidar';
import { readFile } from 'node:fs/promises';
import { extname, relative, resolve, sep } from 'node:path';
import type { AgentClient } from '../engine/agent-client';
import { SavePipeline } from '../engine/save-pipeline';
// Brings TypeScript (≈0.5 s to load): main.ts imports this file only when `watch` runs.
import { createStateTypes } from '../engine/state-types-adapter';
import { connectAll, requestTimeoutMs, type GlobalOptions } from './agents';
import { describeSave } from './describe-save';
import { complain, say } from './terminal';
import { errorMessage } from '../shared/error-message';

/** What `watch` loads: the JavaScript and TypeScript files a hot module can be. */
const SOURCE_EXTENSIONS = new Set(['.js', '.cjs', '.mjs', '.jsx', '.ts', '.cts', '.mts', '.tsx']);

/** Hot-loads every JS/TS file saved under `dir` until interrupted. */
export async function watchDir(dir: string, options: GlobalOptions & { debounce: string }): Promise<number> {
  const root = resolve(dir);
  const debounceMs = Number(options.debounce);
  const pipeline = new SavePipeline({
    clients: () => connected,
    stateTypes: createStateTypes(),
  });
  let connected: AgentClient[] = [];
  const refresh = async (): Promise<void> => {
    for (const c of connected) c.close();
    ({ clients: connected } = await connectAll(options.discoveryDir, requestTimeoutMs(options)));
  };
  const pending = new Map<string, NodeJS.Timeout>();
  /** Each file's text as last read: a type file's previous types, at its next save. */
  const lastTexts = new Map<string, string>();
  const queue: string[] = [];
  let busy = false;
  const drain = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    while (queue.length > 0) {
      const file = queue.shift()!;
      try {
        await refresh();
        const text = await readFile(file, 'utf8');
        // With the save, any that waited for a migration it brings (SavePipeline.onSaves): each is said.
        const outcomes = await pipeline.onSaves([{ file, text, previousText: lastTexts.get(file) }], 'cli');
        lastTexts.set(file, text);
        for (const outcome of outcomes) {
          // Held back by another file of its release (the migration it waited for, which failed).
          if (outcome.kind === 'heldBack') {
            const blockers = outcome.blockers.map((b) => relative(root, b)).join(', ');
            complain(
              `✗ ${relative(root, outcome.file)}: not loaded: it is one release with ${blockers}, which cannot load`,
            );
          } else say(describeSave(outcome, root));
        }
      } catch (error) {
        complain(`✗ ${relative(root, file)}: ${errorMessage(error)}`);
      }
    }
    busy = false;
  };
  // chokidar rather than a recursive fs.watch, which on Linux walks the whole tree up front and
  // blocked the loop for 1–2 s on this repository; node_modules and dot-folders are never entered.
  const watcher = chokidarWatch(root, {
    ignoreInitial: true,
    ignored: (path, stats) =>
      relative(root, path)
        .split(sep)
        .some((part) => part === 'node_modules' || (part.startsWith('.') && part !== '.')) ||
      (stats?.isFile() === true && !SOURCE_EXTENSIONS.has(extname(path))),
  });
  const onFile = (file: string): void => {
    if (!SOURCE_EXTENSIONS.has(extname(file))) return;
    clearTimeout(pending.get(file));
    pending.set(
      file,
      setTimeout(() => {
        pending.delete(file);
        if (!queue.includes(file)) queue.push(file);
        void drain();
      }, debounceMs),
    );
  };
  watcher.on('add', onFile).on('change', onFile);
  await new Promise<void>((ready) => watcher.once('ready', ready));
  say(`watching ${root} (Ctrl+C stops)`);
  await new Promise<void>((done) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => done());
  });
  await watcher.close();
  for (const c of connected) c.close();
  return 0;
}
