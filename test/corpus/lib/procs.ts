/**
 * Child processes of the runner: each started in its own process group so that a watcher and
 * the app it runs are ended together; every one is ended at exit and on Ctrl+C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';

const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Ends every child still running (synchronously: also usable from an 'exit' handler). */
export function killAll(): void {
  for (const child of running) killGroup(child, 'SIGKILL');
  running.clear();
}

export class Child {
  stdout = '';
  stderr = '';
  readonly exited: Promise<void>;

  constructor(
    readonly process: ChildProcess,
    readonly label: string,
  ) {
    running.add(process);
    process.stdout!.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    process.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) =>
      process.once('exit', () => {
        running.delete(process);
        resolve();
      }),
    );
  }

  get pid(): number {
    return this.process.pid!;
  }

  get alive(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  get output(): string {
    return this.stdout + this.stderr;
  }

  /** SIGTERM to the group, SIGKILL after 3 s. */
  async stop(): Promise<void> {
    if (!this.alive) return;
    killGroup(this.process, 'SIGTERM');
    const timer = setTimeout(() => killGroup(this.process, 'SIGKILL'), 3000);
    await this.exited;
    clearTimeout(timer);
  }
}

export function start(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, label: string): Child {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  return new Child(child, label);
}

export interface Finished {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command to its end, its process group killed after `timeoutMs`. */
export async function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<Finished> {
  const started = performance.now();
  const child = start(command, args, options.cwd ?? process.cwd(), options.env ?? process.env, command);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.process, 'SIGKILL');
  }, options.timeoutMs);
  await child.exited;
  clearTimeout(timer);
  const code = timedOut ? 124 : (child.process.exitCode ?? 1);
  const stderr = timedOut ? `${child.stderr}\n(killed after ${options.timeoutMs} ms)` : child.stderr;
  return { code, stdout: child.stdout, stderr, ms: performance.now() - started };
}

/** A port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Kills processes still running in `dir` (their working directory) after the runner's own children
 * ended: an app a tool restarted on its own, outside the runner's process groups. Linux only (/proc).
 */
export function killLeftBehind(dir: string): number[] {
  const killed: number[] = [];
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return killed;
  }
  for (const pid of pids) {
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      if (cwd === dir || cwd.startsWith(`${dir}/`)) {
        process.kill(Number(pid), 'SIGKILL');
        killed.push(Number(pid));
      }
    } catch {
      // Gone, or not ours to read.
    }
  }
  return killed;
}
