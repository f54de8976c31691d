/**
 * Real app processes with the agent: a fixture copied to a scratch folder, started the way a
 * user starts it (`-r hotpatch-agent/register`, `--import ...`, tsx), on a chosen Node.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { DiscoveryRecord } from 'hotpatch-agent/protocol';
import { AgentClient } from 'hotpatch-extension/engine';
import { exampleAppDir, fixturesDir, repoRoot, tmpRoot, type NodeRuntime } from './paths';
import { waitFor } from './wait';

export type AppKind = 'cjs' | 'esm' | 'ts-cjs' | 'tsx';

/** How each kind of app is started, and which file holds its `greet`. */
export const appKinds: Record<AppKind, { args: string[]; greeting: string; edited: string }> = {
  cjs: { args: ['-r', 'hotpatch-agent/register', 'app.js'], greeting: 'greeting.js', edited: 'greeting.js' },
  esm: { args: ['--import', 'hotpatch-agent/register', 'app.mjs'], greeting: 'greeting.mjs', edited: 'greeting.mjs' },
  'ts-cjs': {
    args: ['-r', 'hotpatch-agent/register', '--enable-source-maps', 'dist/app.js'],
    greeting: 'dist/greeting.js',
    edited: 'src/greeting.ts',
  },
  tsx: {
    args: ['--import', 'tsx', '--import', 'hotpatch-agent/register', 'src/app.ts'],
    greeting: 'src/greeting.ts',
    edited: 'src/greeting.ts',
  },
};

export interface StartOptions {
  runtime?: NodeRuntime;
  /** Fixture folder under test/fixtures/apps (default: the kind's), or an absolute path to copy (a generated app). */
  fixture?: string;
  /** Command-line arguments instead of the kind's. */
  args?: string[];
  env?: Record<string, string>;
  nodeOptions?: string[];
  /** The discovery folder the agent announces itself in (default: `.discovery` in the app's scratch folder). */
  discoveryDir?: string;
  /** Run another instance of this app's files (same folder, same discovery folder), as a cluster would. */
  instanceOf?: App;
}

export class App {
  private stdout = '';
  private stderr = '';
  record!: DiscoveryRecord;
  port!: number;

  private constructor(
    readonly dir: string,
    readonly discoveryDir: string,
    readonly child: ChildProcess,
    /** Whether stop() removes the folder (not for a second instance). */
    private readonly ownsDir: boolean,
  ) {
    child.stdout!.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  static async start(kind: AppKind, options: StartOptions = {}): Promise<App> {
    mkdirSync(tmpRoot, { recursive: true });
    const dir = options.instanceOf?.dir ?? mkdtempSync(join(tmpRoot, `${kind}-`));
    const source =
      options.fixture === 'counter-app'
        ? exampleAppDir
        : options.fixture && isAbsolute(options.fixture)
          ? options.fixture
          : join(fixturesDir, 'apps', options.fixture ?? kind);
    if (!options.instanceOf) {
      cpSync(source, dir, { recursive: true, filter: (path) => !/[\\/](dist|node_modules)$/.test(path) });
    }
    if (kind === 'ts-cjs' && !options.instanceOf) {
      execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir]);
    }
    const discoveryDir = options.discoveryDir ?? options.instanceOf?.discoveryDir ?? join(dir, '.discovery');
    const child = spawn(
      options.runtime?.bin ?? process.execPath,
      [...(options.nodeOptions ?? []), ...(options.args ?? appKinds[kind].args)],
      {
        cwd: dir,
        env: { ...process.env, HOTPATCH_DISCOVERY_DIR: discoveryDir, HOTPATCH_QUIET: '1', ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const app = new App(dir, discoveryDir, child, !options.instanceOf);
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`app exited with ${code}:\n${app.stderr}`))),
    );
    exited.catch(() => {});
    await Promise.race([
      exited,
      waitFor('the app to listen and its agent to publish', () => {
        // Fixtures print "LISTENING <port>"; the example app "listening on http://127.0.0.1:<port>/".
        const port = /(?:LISTENING |listening on http:\/\/127\.0\.0\.1:)(\d+)/.exec(app.stdout)?.[1];
        if (!port) return undefined;
        try {
          app.record = JSON.parse(readFileSync(join(discoveryDir, `${child.pid}.json`), 'utf8')) as DiscoveryRecord;
        } catch {
          return undefined;
        }
        app.port = Number(port);
        return true;
      }),
    ]);
    return app;
  }

  /** examples/counter-app, built and started as its README starts it, on a free port. */
  static startExample(options: Pick<StartOptions, 'discoveryDir'> = {}): Promise<App> {
    return App.start('ts-cjs', {
      ...options,
      fixture: 'counter-app',
      args: ['-r', 'hotpatch-agent/register', '--enable-source-maps', 'dist/main.js'],
      env: { PORT: '0' },
    });
  }

  get output(): { stdout: string; stderr: string } {
    return { stdout: this.stdout, stderr: this.stderr };
  }

  /** GET a path of the app's own HTTP endpoint. */
  async get(path: string): Promise<string> {
    const response = await fetch(`http://127.0.0.1:${this.port}${path}`);
    return response.text();
  }

  connect(): Promise<AgentClient> {
    return AgentClient.connect(this.record.url, this.record.token);
  }

  file(relative: string): string {
    return join(this.dir, relative);
  }

  edit(relative: string, change: (text: string) => string): void {
    const file = this.file(relative);
    writeFileSync(file, change(readFileSync(file, 'utf8')));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }
}
