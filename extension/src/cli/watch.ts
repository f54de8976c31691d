/** `hotpatch watch [DIR]`: hot-load every JS/TS/JSON file saved under DIR, with state-type checks. */
import { watch as chokidarWatch } from 'chokidar';
import { readFile, stat } from 'node:fs/promises';
import { extname, relative, resolve, sep } from 'node:path';
import type { AgentClient } from '../engine/agent-client';
import { SavePipeline } from '../engine/save-pipeline';
// Brings TypeScript (≈0.5 s to load): main.ts imports this file only when `watch` runs.
import { createStateTypes } from '../engine/state-types-adapter';
import { connectAll, requestTimeoutMs, type GlobalOptions } from './agents';
import { TYPESCRIPT_EXTENSIONS, describeSave } from './describe-save';
import { complain, say } from './terminal';
import { errorMessage } from '../shared/error-message';

/** What `watch` loads: the JavaScript, TypeScript and JSON files a hot module can be. */
const SOURCE_EXTENSIONS = new Set(['.js', '.cjs', '.mjs', '.jsx', '.ts', '.cts', '.mts', '.tsx', '.json']);

/** Hot-loads every JS/TS/JSON file saved under `dir` until interrupted. */
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
  /**
   * Each TypeScript file's text when the watch started, and when it was last written then: the
   * previous types of a file of types only (which no app loads, so no agent can tell them) at its
   * first save. Only for apps started after that write, which were built with that text.
   */
  const startTexts = new Map<string, { text: string; writtenMs: number }>();
  const previousTextOf = (file: string): string | undefined => {
    const last = lastTexts.get(file);
    if (last !== undefined) return last;
    const atStart = startTexts.get(file);
    const built = connected.every((c) => atStart !== undefined && Date.parse(c.info.startedAt) >= atStart.writtenMs);
    return built ? atStart?.text : undefined;
  };
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
        const outcomes = await pipeline.onSaves([{ file, text, previousText: previousTextOf(file) }], 'cli');
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
    ignoreInitial: false,
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
  // The files there at the start (chokidar's first 'add's, before 'ready') are read, not loaded.
  let started = false;
  const reads: Promise<void>[] = [];
  const remember = (file: string): void => {
    if (!TYPESCRIPT_EXTENSIONS.has(extname(file))) return;
    reads.push(
      Promise.all([stat(file), readFile(file, 'utf8')]).then(
        ([{ mtimeMs }, text]) => void startTexts.set(file, { text, writtenMs: mtimeMs }),
        () => undefined, // unreadable now: its first save is not compared, as before
      ),
    );
  };
  watcher.on('add', (file) => (started ? onFile(file) : remember(file))).on('change', onFile);
  await new Promise<void>((ready) =>
    watcher.once('ready', () => {
      started = true;
      ready();
    }),
  );
  await Promise.all(reads);
  say(`watching ${root} (Ctrl+C stops)`);
  await new Promise<void>((done) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => done());
  });
  await watcher.close();
  for (const c of connected) c.close();
  return 0;
}
