/**
 * A JSON file an app requires is a hot module whose code is the JSON as `module.exports`
 * (hotpatch-agent's protocol/json-modules.ts, which writes the running version's code the same
 * way): a save of `config.json` or `locales/en.json` loads as a save of any module does.
 */
import { jsonModuleCode, readJsonModule } from 'hotpatch-agent/protocol';
import { CompileError, type Compiled } from './compile';

/** The module code of a saved JSON file; a CompileError at the place JSON.parse stopped. */
export function compileJsonModule(file: string, text: string): Compiled {
  const started = performance.now();
  const read = readJsonModule(text);
  if (read.ok) return { code: jsonModuleCode(text), compileMs: performance.now() - started };
  if (typeof read.error === 'string') throw new CompileError(`${file}: cannot hot-load: ${read.error}`, file);
  // V8 says where it stopped as "at position N" (Node 20), with "(line L column C)" since.
  const position = /at position (\d+)/.exec(read.error.message);
  if (!position) throw new CompileError(`${file}: ${read.error.message}`, file);
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  const what = read.error.message.replace(/ in JSON at position \d+.*$/, '');
  throw new CompileError(`${file}:${line}:${column}: ${what}`, file, line, column);
}
