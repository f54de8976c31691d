/**
 * Child processes of the runner: each started in its own process group so that a watcher and
 * the app it runs are ended together; every one is ended at exit and on Ctrl+C.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
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

/** Runs a command to its end, killed after `timeoutMs`. */
export function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<Finished> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      { cwd: options.cwd, env: options.env, timeout: options.timeoutMs, killSignal: 'SIGKILL', detached: true },
      (error, stdout, stderr) => {
        running.delete(child);
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr, ms: performance.now() - started });
      },
    );
    running.add(child);
  });
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
