/**
 * The discovery folder, watched for the agents announcing themselves in it: an initial scan,
 * then fs.watch plus a slow poll for what watching misses (a folder that does not exist yet or
 * was replaced, lost events, files left by processes that died). Each scan hands over every
 * live record found (see discovery.ts); each folder or record refused is logged once, not at
 * every poll.
 */
import { statSync, watch, type FSWatcher } from 'node:fs';
import type { DiscoveryRecord } from 'hotpatch-agent/protocol';
import { readDiscoveryDir } from './discovery';

export interface DiscoveryWatcherOptions {
  /** How often the folder is scanned besides watch events (ms). */
  pollMs: number;
  /** Told once about each discovery folder or record refused, for the user's log. */
  log: (message: string) => void;
  /** Every scan's live records (records of dead pids are skipped and removed). */
  onRecords: (records: readonly DiscoveryRecord[]) => void;
}

/** Watch events come in bursts (a temporary file written, then renamed): one scan for each burst, this long after it starts. */
const BURST_MS = 15;

export class DiscoveryWatcher {
  #watcher: FSWatcher | undefined;
  /** The inode of the folder watched: another one at the same path is a folder replaced. */
  #watchedIno: number | undefined;
  #poll: NodeJS.Timeout | undefined;
  #scanSoon: NodeJS.Timeout | undefined;
  /** The refusals of the last scan, so that each is logged once. */
  #refusals = new Set<string>();
  #stopped = false;

  constructor(
    readonly dir: string,
    private readonly options: DiscoveryWatcherOptions,
  ) {}

  /** Starts watching; the first scan's records are handed over before this returns. */
  start(): void {
    this.#watch();
    this.#poll = setInterval(() => this.#pollDir(), this.options.pollMs);
    this.scan();
  }

  /** Reads the folder now and hands its records over. */
  scan(): void {
    if (this.#stopped) return;
    const refusals = new Set<string>();
    const found = readDiscoveryDir(this.dir, (message) => refusals.add(message));
    for (const message of refusals) if (!this.#refusals.has(message)) this.options.log(message);
    this.#refusals = refusals;
    this.options.onRecords(found);
  }

  stop(): void {
    this.#stopped = true;
    this.#unwatch();
    clearInterval(this.#poll);
    clearTimeout(this.#scanSoon);
  }

  #watch(): void {
    if (this.#watcher) return;
    try {
      const ino = statSync(this.dir).ino;
      const watcher = watch(this.dir, { persistent: true }, () => this.#scheduleScan());
      watcher.on('error', () => {
        // E.g. the folder was removed: the poll watches it again once it is back.
        if (this.#watcher === watcher) this.#unwatch();
        this.#scheduleScan();
      });
      this.#watcher = watcher;
      this.#watchedIno = ino;
    } catch {
      // The folder does not exist yet (no agent has run): the poll looks again.
    }
  }

  #unwatch(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
    this.#watchedIno = undefined;
  }

  #pollDir(): void {
    if (this.#stopped) return;
    let ino: number | undefined;
    try {
      ino = statSync(this.dir).ino;
    } catch {
      ino = undefined;
    }
    if (this.#watcher && ino !== this.#watchedIno) this.#unwatch(); // removed or replaced
    if (!this.#watcher && ino !== undefined) this.#watch();
    this.scan();
  }

  #scheduleScan(): void {
    if (this.#stopped || this.#scanSoon) return;
    this.#scanSoon = setTimeout(() => {
      this.#scanSoon = undefined;
      this.scan();
    }, BURST_MS);
  }
}
