/**
 * For the state-type tests: type-check a generated file with a fresh TypeScript program (the
 * real defineServer types), and run its codeChange as the agent would.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { repoRoot } from './paths';

/** `hotpatch-agent` resolves to the agent's own defineServer source: its real ServerSpec type. */
const defineServerSource = join(repoRoot, 'runtime-agent', 'src', 'processes', 'define-server.ts');

const options: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts'],
  module: ts.ModuleKind.Preserve,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
  paths: { 'hotpatch-agent': [defineServerSource] },
};

/** Errors in `main` (as `file:line: message`), with `files` (absolute name → text) in memory; `overrides` for a JavaScript `main` (`checkJs`). */
export function typeErrors(files: Record<string, string>, main: string, overrides: ts.CompilerOptions = {}): string[] {
  const compilerOptions = { ...options, ...overrides };
  const host = ts.createCompilerHost(compilerOptions);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name in files ? ts.createSourceFile(name, files[name]!, language, true) : getSourceFile(name, language, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name in files || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => files[name] ?? readFile(name);
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (dir) => Object.keys(files).some((f) => dirname(f) === dir) || !!directoryExists?.(dir);
  const program = ts.createProgram([main], compilerOptions, host);
  const sourceFile = program.getSourceFile(main)!;
  return [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)].map((d) => {
    const line = d.start === undefined ? 0 : sourceFile.getLineAndCharacterOfPosition(d.start).line + 1;
    return `${main}:${line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

/** Evaluates a TypeScript server module as CommonJS; `defineServer` returns the spec itself. */
export function evaluateServers(file: string, text: string): Record<string, unknown> {
  const { outputText } = ts.transpileModule(text, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    fileName: file,
  });
  const exports: Record<string, unknown> = {};
  const requireReal = createRequire(import.meta.url);
  const require = (id: string): unknown =>
    id === 'hotpatch-agent' ? { defineServer: (spec: unknown) => spec } : requireReal(id);
  new Function('exports', 'require', outputText)(exports, require);
  return exports;
}

/** A server spec's codeChange, as the agent calls it. */
export type CodeChange = (from: string | { down: string }, state: unknown, extra: unknown) => unknown;
