/**
 * "Set up this workspace": what it takes to run a user's own project with the agent, as new
 * texts of its package.json (the `start` script) and .vscode/launch.json (a `node` launch
 * configuration). Both are read and edited with jsonc-parser, so comments, order and layout
 * outside the edited values stay as the user wrote them. Nothing here touches the disk: the
 * editor shows the texts as a diff to accept.
 */
import { applyEdits, modify, parse, printParseErrorCode, type FormattingOptions, type ParseError } from 'jsonc-parser';

export const AGENT_PACKAGE = 'hotpatch-agent';
export const AGENT_REGISTER = 'hotpatch-agent/register';

/** A file's current text (undefined: it does not exist) and the text proposed for it. */
export interface ProposedFile {
  /** Relative to the workspace folder, with `/`. */
  path: 'package.json' | '.vscode/launch.json';
  current: string | undefined;
  proposed: string;
}

export interface SetupPlan {
  /** The files that change (none when the workspace is set up already). */
  files: ProposedFile[];
  /** What is done, one line each, for the confirmation. */
  changes: string[];
  /** What could not be done and why, for the user to do by hand. */
  notes: string[];
  /** hotpatch-agent is in neither dependencies nor devDependencies: `npm install -D` it. */
  agentMissing: boolean;
}

interface PackageJson {
  type?: unknown;
  main?: unknown;
  scripts?: Record<string, unknown>;
  dependencies?: Record<string, unknown>;
  devDependencies?: Record<string, unknown>;
}

interface LaunchConfiguration {
  type?: unknown;
  request?: unknown;
  name?: unknown;
  runtimeArgs?: unknown;
  runtimeExecutable?: unknown;
}

/** The texts of package.json and .vscode/launch.json (undefined: missing) as they should be. */
export function planWorkspaceSetup(packageText: string | undefined, launchText: string | undefined): SetupPlan {
  const plan: SetupPlan = { files: [], changes: [], notes: [], agentMissing: true };
  const manifest = packageText === undefined ? undefined : parseJsonc<PackageJson>(packageText, 'package.json');
  const esm = manifest?.type === 'module';
  // ES modules get the agent with --import (its ESM hooks then run); CommonJS with -r.
  const agentArgs = esm ? ['--import', AGENT_REGISTER] : ['-r', AGENT_REGISTER];
  const deps = { ...objectOr(manifest?.dependencies), ...objectOr(manifest?.devDependencies) };
  plan.agentMissing = !(AGENT_PACKAGE in deps);
  if (packageText === undefined) {
    plan.notes.push('no package.json in this folder: the npm start script was not set up');
  }

  // The entry point: `main`, else the file the start script runs.
  const start = typeof manifest?.scripts?.start === 'string' ? manifest.scripts.start : undefined;
  const main = typeof manifest?.main === 'string' ? manifest.main : undefined;
  const startCommand = start === undefined ? undefined : parseStartScript(start);
  const entry = main ?? startCommand?.entry;

  if (manifest && packageText !== undefined) {
    const newStart = startScriptWithAgent(start, startCommand, entry, agentArgs);
    if (newStart.note) plan.notes.push(newStart.note);
    if (newStart.script !== undefined && newStart.script !== start) {
      const formatting = formattingOf(packageText);
      const proposed = applyEdits(
        packageText,
        modify(packageText, ['scripts', 'start'], newStart.script, { formattingOptions: formatting }),
      );
      plan.files.push({ path: 'package.json', current: packageText, proposed });
      plan.changes.push(`package.json: "start": "${newStart.script}"`);
    }
  }

  const launch = launchWithAgent(launchText, entry, agentArgs, startCommand?.loader);
  if (launch.proposed !== undefined) {
    plan.files.push({ path: '.vscode/launch.json', current: launchText, proposed: launch.proposed });
  }
  plan.changes.push(...launch.changes);
  plan.notes.push(...launch.notes);
  return plan;
}

/** What a `start` script runs, when it is `node [flags] FILE`, `tsx [flags] FILE` or `ts-node FILE`; else undefined. */
interface StartCommand {
  runner: 'node' | 'tsx' | 'ts-node';
  /** The words after the runner, as written. */
  args: string[];
  entry: string | undefined;
  /** The TypeScript runner the agent goes after, as node's preload arguments, if the script uses one. */
  loader?: string[];
}

/** ts-node's own flags that have a preload of their own (the others are left to the user). */
const TS_NODE_PRELOADS: Record<string, string> = {
  '--transpile-only': 'ts-node/register/transpile-only',
  '-T': 'ts-node/register/transpile-only',
};

/**
 * A script is a shell command line: only the simple one-command form is understood (split on
 * spaces; quotes, `&&`, pipes and variables mean it is left alone and the user is told).
 */
function parseStartScript(script: string): StartCommand | undefined {
  if (/[&|;<>"'`$\\]/.test(script)) return undefined;
  const [runner, ...args] = script.trim().split(/\s+/);
  if (runner === 'ts-node') {
    // `ts-node [--transpile-only] FILE` is `node -r <its preload> FILE`; other flags are ts-node's own.
    const flags = args.filter((arg) => arg.startsWith('-'));
    const files = args.filter((arg) => !arg.startsWith('-'));
    if (files.length !== 1 || flags.some((flag) => !(flag in TS_NODE_PRELOADS))) return undefined;
    const preload = flags.length > 0 ? TS_NODE_PRELOADS[flags[0]!]! : 'ts-node/register';
    return { runner, args: files, entry: files[0], loader: ['-r', preload] };
  }
  if (runner !== 'node' && runner !== 'tsx') return undefined;
  const entry = args.find((arg, i) => !arg.startsWith('-') && !FLAGS_WITH_VALUE.has(args[i - 1] ?? ''));
  const tsx =
    runner === 'tsx' ||
    args.some((arg, i) => arg === 'tsx' && ['--import', '--loader', '-r'].includes(args[i - 1] ?? ''));
  return { runner, args, entry, loader: tsx ? ['--import', 'tsx'] : undefined };
}

/** Node flags whose value is the next word (so that word is not the entry file). */
const FLAGS_WITH_VALUE = new Set([
  '-r',
  '--require',
  '--import',
  '--loader',
  '--experimental-loader',
  '--env-file',
  '--conditions',
  '-C',
  '--inspect-port',
  '--title',
]);

function startScriptWithAgent(
  start: string | undefined,
  command: StartCommand | undefined,
  entry: string | undefined,
  agentArgs: string[],
): { script?: string; note?: string } {
  if (start?.includes(AGENT_REGISTER)) return { script: start };
  if (start === undefined) {
    if (!entry)
      return { note: 'package.json has neither a start script nor a main: the npm start script was not set up' };
    return { script: ['node', ...agentArgs, entry].join(' ') };
  }
  if (!command) {
    return {
      note: `the start script (${start}) does not run node directly: add ${agentArgs.join(' ')} to the node it starts (NODE_OPTIONS="${agentArgs.join(' ')}" works for most tools)`,
    };
  }
  // tsx runs node with its own --import, ts-node with its own -r; the agent goes after it, so
  // that it sees their JavaScript.
  if (command.runner !== 'node') {
    const agent = command.runner === 'tsx' ? ['--import', AGENT_REGISTER] : ['-r', AGENT_REGISTER];
    return { script: ['node', ...command.loader!, ...agent, ...command.args].join(' ') };
  }
  const agent = command.loader ? ['--import', AGENT_REGISTER] : agentArgs;
  const tsxAt = command.args.findIndex(
    (arg, i) => arg === 'tsx' && ['--import', '--loader', '-r'].includes(command.args[i - 1] ?? ''),
  );
  const args = [...command.args];
  args.splice(tsxAt >= 0 ? tsxAt + 1 : 0, 0, ...agent);
  return { script: ['node', ...args].join(' ') };
}

const LAUNCH_NAME = 'Launch with Hotpatch';

function launchWithAgent(
  launchText: string | undefined,
  entry: string | undefined,
  agentArgs: string[],
  loader: string[] | undefined,
): { proposed?: string; changes: string[]; notes: string[] } {
  const runtimeArgs = loader ? [...loader, loader[0] === '-r' ? '-r' : '--import', AGENT_REGISTER] : agentArgs;
  const program = entry ? `\${workspaceFolder}/${entry.replace(/^\.\//, '')}` : '${file}';
  const configuration = {
    type: 'node',
    request: 'launch',
    name: LAUNCH_NAME,
    program,
    runtimeArgs,
    skipFiles: ['<node_internals>/**'],
  };
  if (launchText === undefined || launchText.trim() === '') {
    const proposed = `${JSON.stringify({ version: '0.2.0', configurations: [configuration] }, null, 2)}\n`;
    return {
      proposed,
      changes: [`.vscode/launch.json: a "${LAUNCH_NAME}" configuration (node ${runtimeArgs.join(' ')} ${program})`],
      notes: [],
    };
  }
  const launch = parseJsonc<{ configurations?: unknown }>(launchText, '.vscode/launch.json');
  const configurations = Array.isArray(launch.configurations) ? (launch.configurations as LaunchConfiguration[]) : [];
  const formattingOptions = formattingOf(launchText);
  let text = launchText;
  const changes: string[] = [];
  const nodeLaunches = configurations.flatMap((c, i) => (isNodeLaunch(c) ? [i] : []));
  for (const i of nodeLaunches) {
    const existing = configurations[i]!;
    const args = Array.isArray(existing.runtimeArgs)
      ? existing.runtimeArgs.filter((a): a is string => typeof a === 'string')
      : [];
    if (args.includes(AGENT_REGISTER)) continue;
    // After a tsx import, so that the agent sees TypeScript as tsx compiles it.
    const tsxAt = args.findIndex((arg, j) => arg === 'tsx' && args[j - 1] === '--import');
    const next = [...args];
    next.splice(tsxAt >= 0 ? tsxAt + 1 : args.length, 0, ...(tsxAt >= 0 ? ['--import', AGENT_REGISTER] : agentArgs));
    text = applyEdits(text, modify(text, ['configurations', i, 'runtimeArgs'], next, { formattingOptions }));
    changes.push(
      `.vscode/launch.json: "${String(existing.name ?? `configuration ${i + 1}`)}" runs node ${next.join(' ')}`,
    );
  }
  if (nodeLaunches.length === 0) {
    const at = Array.isArray(launch.configurations) ? configurations.length : undefined;
    text = applyEdits(
      text,
      modify(
        text,
        at === undefined ? ['configurations'] : ['configurations', at],
        at === undefined ? [configuration] : configuration,
        {
          formattingOptions,
          isArrayInsertion: at !== undefined,
        },
      ),
    );
    changes.push(`.vscode/launch.json: a "${LAUNCH_NAME}" configuration (node ${runtimeArgs.join(' ')} ${program})`);
  }
  return text === launchText ? { changes, notes: [] } : { proposed: text, changes, notes: [] };
}

/** A configuration VS Code's JavaScript debugger launches with node (`pwa-node` is its older name). */
function isNodeLaunch(configuration: LaunchConfiguration): boolean {
  return (configuration.type === 'node' || configuration.type === 'pwa-node') && configuration.request === 'launch';
}

export class SetupParseError extends Error {}

/** JSON with comments and trailing commas, as VS Code reads these files; a syntax error stops the setup. */
function parseJsonc<T>(text: string, name: string): T {
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: true, disallowComments: false }) as unknown;
  if (errors.length > 0) {
    const first = errors[0]!;
    const line = text.slice(0, first.offset).split('\n').length;
    throw new SetupParseError(`${name}:${line}: ${printParseErrorCode(first.error)}; fix it, then set up again`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SetupParseError(`${name} is not a JSON object`);
  }
  return value as T;
}

function objectOr(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The file's own indentation and line ends, so an edit looks as if the user had made it. */
function formattingOf(text: string): FormattingOptions {
  const indent = /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
  return {
    insertSpaces: !indent.startsWith('\t'),
    tabSize: indent.startsWith('\t') ? 1 : indent.length,
    eol: text.includes('\r\n') ? '\r\n' : '\n',
  };
}
