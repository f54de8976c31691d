/**
 * The code action behind "Generate migration": writes into a server's defineServer({...}) a
 * `codeChange` that converts the state of the processes running the old version, with the old
 * state type inlined above the server as `type StateV<n> = {...}` (the old declaration is gone
 * from the file by now). Common fields are copied, new fields get defaults, and what cannot be
 * inferred gets a `// TODO` and a placeholder that type-checks but throws: an upgrade with an
 * unwritten conversion fails in the agent's dry run instead of running with invented data.
 */
import type { StateShape } from 'hotpatch-agent/protocol';
import ts from 'typescript';
import type { AnalyzedServer } from './analyzer';
import { defaultValue, fits, hasUnknown } from './defaults';
import { canonicalShape, printShape, propertyName, quote } from './print-shape';
import type { OldVersion, TextEdit } from './types';

type ObjectShape = Extract<StateShape, { type: 'object' }>;

/** What the body being written needs to know. */
interface Writer {
  unit: string;
  /** The new state type as this module can write it (`State`, `{ n: number }`); undefined when none. */
  stateType: string | undefined;
  /** The old vsn, as `from` carries it, and as comments can show it. */
  vsn: string;
  label: string;
  usesTodo: boolean;
}

export function stubEdits(sourceFile: ts.SourceFile, server: AnalyzedServer, old: OldVersion): TextEdit[] {
  const { site, state, info } = server;
  // One codeChange per server: when there is one, converting is the author's business.
  if (info.hasCodeChange || !site.spec) return [];
  const text = sourceFile.text;
  const spec = site.spec;
  const oldType = `StateV${String(old.n).replace(/[^\w$]/g, '_')}`;
  const literalIndent = lineIndent(text, spec.getStart(sourceFile));
  const first = spec.properties[0];
  const propertyIndent =
    first && line(sourceFile, first.getStart(sourceFile)) !== line(sourceFile, spec.getStart(sourceFile))
      ? lineIndent(text, first.getStart(sourceFile))
      : literalIndent + '  ';
  const unit = propertyIndent.length > literalIndent.length ? propertyIndent.slice(literalIndent.length) : '  ';
  // In comments: a vsn is the author's string (or a hash) and must not end one.
  const label = old.vsn.replace(/\*\//g, '* /').replace(/[\r\n\u2028\u2029]/g, ' ');
  const writer: Writer = { unit, stateType: state?.text, vsn: old.vsn, label, usesTodo: false };

  const edits: TextEdit[] = [];
  if (!declaresType(sourceFile, oldType)) {
    const at = site.statement.getStart(sourceFile, true);
    const margin = lineIndent(text, at);
    const printed = printShape(old.info.shape, { indent: unit }).replace(/\n/g, `\n${margin}`);
    edits.push({
      start: at,
      end: at,
      newText:
        `/** The state of processes running v${label}, which codeChange converts. */\n` +
        `${margin}type ${oldType} = ${printed};\n\n${margin}`,
    });
  }

  const method = codeChange(old.info.shape, info.shape, oldType, writer, propertyIndent);
  const last = spec.properties.at(-1);
  let at = last ? last.getEnd() : spec.getStart(sourceFile) + 1;
  let prefix = last ? ',' : '';
  if (last && spec.properties.hasTrailingComma) {
    at = commaAfter(text, last.getEnd());
    prefix = '';
  }
  // A one-line literal (`{ init }`) gets its closing brace on a line of its own.
  const close = spec.getEnd() - 1;
  const closeOnSameLine = line(sourceFile, close) === line(sourceFile, at);
  const end = closeOnSameLine && text.slice(at, close).trim() === '' ? close : at;
  const suffix = closeOnSameLine ? `\n${literalIndent}` : '';
  edits.push({ start: at, end, newText: `${prefix}\n${method}${suffix}` });
  return edits;
}

function codeChange(old: StateShape, next: StateShape, oldType: string, w: Writer, indent: string): string {
  const body = indent + w.unit;
  const vsn = quote(w.vsn);
  const asState = w.stateType ?? 'never';
  const result =
    next.type === 'object'
      ? `return ${convertObject(next, old, { access: 'old', path: '', type: indexable(w.stateType) }, w, body)};`
      : fits(old, next)
        ? 'return old;'
        : `// TODO: convert the ${printShape(old)} of v${w.label} to ${printShape(next)}.\n${body}return ${todo(w, 'convert the state')};`;
  const lines = [
    `codeChange(from: string | { down: string }, state: unknown, _extra: unknown)${w.stateType ? `: ${w.stateType}` : ''} {`,
    `${w.unit}// Written by Hotpatch for processes running v${w.label}, whose state is a ${oldType}: review, then save.`,
    `${w.unit}// Processes from any other version already hold the current state type.`,
    `${w.unit}const vsn = typeof from === 'string' ? from : from.down;`,
    `${w.unit}if (vsn !== ${vsn}) return state as ${asState};`,
    `${w.unit}// TODO: rolling back to v${w.label} needs the reverse conversion; until written, refuse.`,
    `${w.unit}if (typeof from !== 'string') throw new Error(${quote(`codeChange: no conversion back to v${w.vsn}`)});`,
    `${w.unit}const old = state as ${oldType};`,
  ];
  if (w.usesTodo) {
    lines.push(
      `${w.unit}const todo = (what: string): never => {`,
      `${w.unit}${w.unit}throw new Error(\`codeChange from v\${vsn}: \${what} (see the TODO)\`);`,
      `${w.unit}};`,
    );
  }
  lines.push(`${w.unit}${result}`, '},');
  return lines.map((l) => indent + l).join('\n');
}

/** Where in the state a conversion is. */
interface At {
  /** An expression of the old value there: `old.settings`. */
  access: string;
  /** For messages: `settings`. */
  path: string;
  /** The new type there (`State['settings']`), for casts. */
  type: string | undefined;
}

/** An object literal of the new shape built from the old value at `at`. */
function convertObject(next: ObjectShape, old: StateShape | undefined, at: At, w: Writer, margin: string): string {
  const { access } = at;
  const before = old?.type === 'object' ? old : undefined;
  const lines: string[] = [];
  if (old && !before) lines.push(`// TODO: this was a ${printShape(old)}, not an object: convert ${access}.`);
  const dropped = before ? Object.keys(before.properties).filter((k) => !(k in next.properties)) : [];
  if (dropped.length > 0) lines.push(`// Dropped: ${dropped.map(propertyName).join(', ')}.`);
  if (next.index) {
    // Entries under an index signature are data too: keep them when their type is unchanged.
    if (before?.index && canonicalShape(before.index) === canonicalShape(next.index)) lines.push(`...${access},`);
    else lines.push(`// TODO: entries [key: string]: ${printShape(next.index)} are not converted.`);
  }
  const inner = margin + w.unit;
  for (const [key, property] of Object.entries(next.properties)) {
    const name = propertyName(key);
    const from = member(access, key);
    const path = at.path ? `${at.path}.${name}` : name;
    const type = at.type && `${at.type}[${quote(key)}]`;
    const was = before?.properties[key];
    if (!was) {
      if (property.optional) continue;
      const value = defaultValue(property.shape);
      if (value !== undefined) lines.push(`${name}: ${value}, // new`);
      else lines.push(`// TODO: ${path} is new: give it a value.`, `${name}: ${todo(w, `set ${path}`)},`);
      continue;
    }
    const required = !property.optional && !!was.optional;
    const same = canonicalShape(was.shape) === canonicalShape(property.shape);
    if (same && hasUnknown(property.shape) && type) {
      // The inlined old type says `unknown` where the real type is richer: it is that type.
      lines.push(`${name}: ${orDefault(`${from} as ${type}`, required, property.shape, path, w)},`);
    } else if (same || fits(was.shape, property.shape)) {
      lines.push(`${name}: ${orDefault(from, required, property.shape, path, w)},`);
    } else if (was.shape.type === 'object' && property.shape.type === 'object' && !was.optional && !property.optional) {
      lines.push(`${name}: ${convertObject(property.shape, was.shape, { access: from, path, type }, w, inner)},`);
    } else {
      const change = `${printShape(was.shape)}${was.optional ? ' (optional)' : ''}, now ${printShape(property.shape)}`;
      lines.push(`// TODO: ${path} was ${change}: convert ${from}.`, `${name}: ${todo(w, `convert ${path}`)},`);
    }
  }
  if (lines.length === 0) return '{}';
  return `{\n${lines.map((l) => `${inner}${l}\n`).join('')}${margin}}`;
}

/** An old optional field that is now required: its value, else a default. */
function orDefault(value: string, required: boolean, shape: StateShape, key: string, w: Writer): string {
  if (!required) return value;
  return `${value} ?? ${defaultValue(shape) ?? todo(w, `a value for ${key} where there was none`)}`;
}

/** A type that `['key']` can follow: `State`, or an inline type in parentheses. */
function indexable(type: string | undefined): string | undefined {
  return type === undefined || /^[\w$.]+(<.*>)?$/s.test(type) ? type : `(${type})`;
}

function todo(w: Writer, what: string): string {
  w.usesTodo = true;
  return `todo(${quote(what)})`;
}

function member(access: string, key: string): string {
  const name = propertyName(key);
  return name === key ? `${access}.${key}` : `${access}[${name}]`;
}

function declaresType(sourceFile: ts.SourceFile, name: string): boolean {
  return sourceFile.statements.some(
    (s) => (ts.isTypeAliasDeclaration(s) || ts.isInterfaceDeclaration(s)) && s.name.text === name,
  );
}

/** After the comma that follows `position` (a trailing comma the literal already has). */
function commaAfter(text: string, position: number): number {
  const scanner = ts.createScanner(
    ts.ScriptTarget.Latest,
    true,
    ts.LanguageVariant.Standard,
    text,
    undefined,
    position,
  );
  return scanner.scan() === ts.SyntaxKind.CommaToken ? scanner.getTokenEnd() : position;
}

function line(sourceFile: ts.SourceFile, position: number): number {
  return sourceFile.getLineAndCharacterOfPosition(position).line;
}

function lineIndent(text: string, position: number): string {
  const start = text.lastIndexOf('\n', position - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start, position))![0];
}
