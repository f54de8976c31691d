/**
 * "Generate migration" for a state holder: a module's variables get an
 * `export function codeChange(from, old)` at the end of the module, a class's instances a
 * `static codeChange(from, old)` at the end of its body. Each returns the fields whose type
 * changed, converted (see convert.ts); the fields it does not return keep their values. The
 * old types of those fields are inlined above as `type VariablesV<n>` / `type <Class>V<n>`:
 * the old declarations are gone from the sources by now. A JavaScript file gets the same code
 * in JavaScript: a plain `function codeChange`, its types and the old ones in JSDoc. A holder
 * whose codeChange the running version already has (written for an earlier change) gets the new
 * one in its place (codechange-replace.ts).
 */
import type { StateShape } from 'hotpatch-agent/protocol';
import ts from 'typescript';
import type { AnalyzedHolder } from './analyzer';
import { aliasesOnlyItNames, codeChangeToReplace, replacementEdits } from './codechange-replace';
import {
  commentLabel,
  convertValue,
  indexable,
  member,
  todoDeclaration,
  type ObjectShape,
  type Writer,
} from './convert';
import { fits } from './defaults';
import { canonicalShape, printShape, propertyName, quote } from './print-shape';
import { declaresType, lineIndent, versionedName } from './text-layout';
import type { OldHolderVersion, TextEdit } from './types';

export function holderStubEdits(sourceFile: ts.SourceFile, holder: AnalyzedHolder, old: OldHolderVersion): TextEdit[] {
  const { site, info } = holder;
  const next = info.shape;
  if (next.type !== 'object' || old.info.shape.type !== 'object') return [];
  // One written for an earlier change gives its place to this one (codechange-replace.ts).
  const replaced = site.codeChange
    ? codeChangeToReplace(sourceFile, site.codeChange, old.info.codeChangeText)
    : undefined;
  if (info.hasCodeChange && !replaced) return [];
  const changed = changedFields(old.info.shape, next);
  if (changed.length === 0) return [];
  const text = sourceFile.text;
  const classNode = site.classNode;
  const oldType = versionedName(classNode ? site.name : 'Variables', old.n);
  const before = old.info.shape;
  const oldShape: ObjectShape = {
    type: 'object',
    properties: Object.fromEntries(changed.map((name) => [name, before.properties[name]!])),
  };
  const label = commentLabel(old.vsn);

  // Where the old type goes: above the class (its decorators included), or above the function.
  const margin = classNode ? lineIndent(text, classNode.getStart(sourceFile)) : '';
  const memberIndent = classNode ? membersIndent(sourceFile, classNode, margin) : '';
  const unit = classNode ? memberIndent.slice(margin.length) || '  ' : indentUnit(sourceFile);
  const whose = classNode ? `the fields of ${site.name} instances` : 'the module variables';
  // A JavaScript file gets the same stub without TypeScript's syntax: its types in JSDoc, which
  // the editor's checks read as they read TypeScript's.
  const typed = (sourceFile.flags & ts.NodeFlags.JavaScriptFile) === 0;
  const about = `${capitalize(whose)} running v${label} whose types changed: codeChange converts them.`;
  const oldTypeText = printShape(oldShape, { indent: unit });
  // One of that name that goes with the replaced codeChange is an earlier version's: rewritten.
  const rewritten = replaced !== undefined && aliasesOnlyItNames(sourceFile, replaced).has(oldType);
  const typeDeclaration =
    declaresType(sourceFile, oldType) && !rewritten
      ? ''
      : typed
        ? `/** ${about} */\n${margin}type ${oldType} = ${oldTypeText.replace(/\n/g, `\n${margin}`)};\n\n${margin}`
        : `/**\n${margin} * ${about}\n${margin} * @typedef {${oldTypeText.replace(/\n/g, `\n${margin} * `)}} ${oldType}\n` +
          `${margin} */\n\n${margin}`;

  const w: Writer = { unit, vsn: old.vsn, label, usesTodo: false, typed };
  // A #private field's type cannot be named from outside the class (`Notes['#notes']` is not
  // TypeScript): it is written out, from its new shape.
  const typeOf = (name: string) =>
    !classNode
      ? `typeof ${name}`
      : name.startsWith('#')
        ? printShape(next.properties[name]!.shape)
        : `${site.name}[${quote(name)}]`;
  const body = memberIndent + unit;
  const local = classNode ? 'fields' : 'variables';
  const returned = changed.map((name) => {
    const at = { access: member(local, name), path: name, type: indexable(typeOf(name)) };
    const value = convertValue(next.properties[name]!.shape, before.properties[name]!.shape, at, w, body + unit);
    return [...value.comments, `${propertyName(name)}: ${value.expression},`];
  });
  const resultType = `{ ${changed.map((name) => `${propertyName(name)}?: ${typeOf(name)}`).join('; ')} }`;
  const signature = typed
    ? [
        `${classNode ? 'static ' : 'export function '}codeChange(from: string | { down: string }, old: unknown): ${resultType} {`,
      ]
    : [
        '/**',
        ' * @param {string | { down: string }} from',
        ' * @param {unknown} old',
        ` * @returns {${resultType}}`,
        ' */',
        // The agent finds a module's codeChange among its top-level functions: no export needed.
        `${classNode ? 'static ' : 'function '}codeChange(from, old) {`,
      ];
  const lines = [
    ...signature,
    `${unit}// Written by Hotpatch for ${whose} of v${label}, typed ${oldType}: review, then save.`,
    `${unit}// Over any other version, the fields already have their current types: nothing to convert.`,
    `${unit}const vsn = typeof from === 'string' ? from : from.down;`,
    `${unit}if (vsn !== ${quote(old.vsn)}) return {};`,
    `${unit}// TODO: rolling back to v${label} needs the reverse conversion; until written, refuse.`,
    `${unit}if (typeof from !== 'string') throw new Error(${quote(`codeChange: no conversion back to v${old.vsn}`)});`,
    typed ? `${unit}const ${local} = old as ${oldType};` : `${unit}const ${local} = /** @type {${oldType}} */ (old);`,
    ...todoDeclaration(w).map((l) => unit + l),
    `${unit}return {`,
    ...returned.flat().map((l) => unit + unit + l),
    `${unit}};`,
    '}',
  ];
  const method = lines.map((l) => memberIndent + l).join('\n');

  if (replaced) {
    // In the old one's place, which starts after its line's indentation.
    const inPlace = method.slice(memberIndent.length);
    const keep = rewritten ? undefined : oldType;
    const edits = replacementEdits(sourceFile, replaced, classNode ? inPlace : typeDeclaration + inPlace, keep);
    if (classNode && typeDeclaration) {
      const typeAt = classNode.getStart(sourceFile, true);
      edits.unshift({ start: typeAt, end: typeAt, newText: typeDeclaration });
    }
    return edits;
  }

  if (classNode) {
    const last = classNode.members.at(-1);
    const at = last ? last.getEnd() : classNode.getEnd() - 1;
    const edits: TextEdit[] = [{ start: at, end: at, newText: last ? `\n\n${method}` : `\n${method}\n${margin}` }];
    const typeAt = classNode.getStart(sourceFile, true);
    if (typeDeclaration) edits.unshift({ start: typeAt, end: typeAt, newText: typeDeclaration });
    return edits;
  }
  const end = text.length;
  const separator = text.endsWith('\n') ? '\n' : '\n\n';
  return [{ start: end, end, newText: `${separator}${typeDeclaration}${method}\n` }];
}

/** The fields in both versions whose old values are not values of the new type. */
export function changedFields(old: ObjectShape, next: ObjectShape): string[] {
  return Object.keys(next.properties).filter((name) => {
    const was = old.properties[name]?.shape;
    const now = next.properties[name]!.shape;
    return was !== undefined && needsConversion(was, now);
  });
}

/** A field whose type changed so that its old value no longer is one of the new type. */
export function needsConversion(old: StateShape, next: StateShape): boolean {
  return canonicalShape(old) !== canonicalShape(next) && !fits(old, next);
}

/** The indentation of a class's members (its first one's, else one unit past the class's). */
function membersIndent(sourceFile: ts.SourceFile, classNode: ts.ClassDeclaration, margin: string): string {
  const first = classNode.members[0];
  return first ? lineIndent(sourceFile.text, first.getStart(sourceFile)) : `${margin}  `;
}

/** The module's indentation unit: the indentation of its first node that starts an indented line. */
function indentUnit(sourceFile: ts.SourceFile): string {
  const find = (node: ts.Node): string | undefined => {
    const indent = lineIndent(sourceFile.text, node.getStart(sourceFile));
    return indent || ts.forEachChild(node, find);
  };
  return ts.forEachChild(sourceFile, find) ?? '  ';
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
