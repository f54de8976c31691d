/**
 * The code action behind "Generate migration": writes into a server's defineServer({...}) a
 * `codeChange` that converts the state of the processes running the old version, with the old
 * state type inlined above the server as `type StateV<n> = {...}` (the old declaration is gone
 * from the file by now). Common fields are copied, new fields get defaults, and what cannot be
 * inferred gets a `// TODO` and a placeholder that type-checks but throws: an upgrade with an
 * unwritten conversion fails in the agent's dry run instead of running with invented data.
 */
import type { StateShape } from 'hotpatch-agent/protocol';
import type ts from 'typescript';
import type { AnalyzedServer } from './analyzer';
import { aliasesOnlyItNames, codeChangeToReplace, replacementEdits } from './codechange-replace';
import { commentLabel, convertObject, indexable, todo, todoDeclaration, type Writer } from './convert';
import { fits } from './defaults';
import { printShape, quote } from './print-shape';
import { commaAfter, declaresType, line, lineIndent, versionedName } from './text-layout';
import type { OldVersion, TextEdit } from './types';

interface ServerWriter extends Writer {
  /** The new state type as this module can write it (`State`, `{ n: number }`); undefined when none. */
  stateType: string | undefined;
}

export function stubEdits(sourceFile: ts.SourceFile, server: AnalyzedServer, old: OldVersion): TextEdit[] {
  const { site, state, info } = server;
  // One codeChange per server: one the running version has, written for an earlier change of
  // the state type, gives its place to this one (codechange-replace.ts); one the user wrote
  // since is theirs to finish.
  const replaced = site.codeChange
    ? codeChangeToReplace(sourceFile, site.codeChange, old.info.codeChangeText)
    : undefined;
  if ((info.hasCodeChange && !replaced) || !site.spec) return [];
  const text = sourceFile.text;
  const spec = site.spec;
  const oldType = versionedName('State', old.n);
  const literalIndent = lineIndent(text, spec.getStart(sourceFile));
  const first = spec.properties[0];
  const propertyIndent =
    first && line(sourceFile, first.getStart(sourceFile)) !== line(sourceFile, spec.getStart(sourceFile))
      ? lineIndent(text, first.getStart(sourceFile))
      : literalIndent + '  ';
  const unit = propertyIndent.length > literalIndent.length ? propertyIndent.slice(literalIndent.length) : '  ';
  const label = commentLabel(old.vsn);
  const writer: ServerWriter = { unit, stateType: state?.text, vsn: old.vsn, label, usesTodo: false };

  const edits: TextEdit[] = [];
  // One of that name that goes with the replaced codeChange is an earlier version's: rewritten.
  const rewritten = replaced !== undefined && aliasesOnlyItNames(sourceFile, replaced).has(oldType);
  if (!declaresType(sourceFile, oldType) || rewritten) {
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
  if (replaced) {
    // In the old one's place: after its indentation, before its comma if it has one.
    return [...edits, ...replacementEdits(sourceFile, replaced, method.trimStart(), rewritten ? undefined : oldType)];
  }
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
  edits.push({ start: at, end, newText: `${prefix}\n${method},${suffix}` });
  return edits;
}

function codeChange(old: StateShape, next: StateShape, oldType: string, w: ServerWriter, indent: string): string {
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
  lines.push(...todoDeclaration(w).map((l) => w.unit + l));
  lines.push(`${w.unit}${result}`, '}');
  return lines.map((l) => indent + l).join('\n');
}
