/**
 * A function's new body written to be evaluated on its own: as a `function` expression (an
 * arrow becomes one, so the `this` of the closure that calls it reaches it), its closure
 * variables optionally read from `__hp_env`, the environment the old closure passes.
 */
import type { Identifier } from 'acorn';
import { Mapped, type Edit, type Edits } from './edits';
import { addPrologue, environment, hasPatternParameters } from './instrument';
import type { LiveModule } from './live-module';
import type { LiveFunction, ProgramModel } from './program';
import { arrowToken, secondToken } from './shape';

/** What rendering needs of the patch being built. */
export interface Rendering {
  model: ProgramModel;
  module: LiveModule;
  generation: number;
  edits: Edits;
  /** Where each reference's variable is declared (see resolutions.ts). */
  resolved: Map<Identifier, { start: number; end: number; isModule: boolean }>;
  /** Each function's prologue edits, replaced when it is rendered with an environment. */
  prologues: Map<LiveFunction, Edit[]>;
}

/**
 * The function's text as a `function` expression (an arrow becomes one, so the caller's
 * `this` reaches it), optionally with its closure variables read from `__hp_env`.
 */
export function renderAsFunction(context: Rendering, fn: LiveFunction, fromEnv = false): Mapped {
  const { node } = fn;
  const code = context.model.code;
  const extra: Edit[] = [];
  const skip = new Set<Edit>();
  // An arrow that destructures its arguments is wrapped by its prologue (see wrapArrow); made a
  // function of its own here, it is called with its arguments as they came and needs no wrapper.
  const unwrapped = hasPatternParameters(node);
  if (unwrapped) for (const edit of context.prologues.get(fn) ?? []) skip.add(edit);
  if (fromEnv) {
    extra.push(...environmentReferences(context, fn));
    // Prologues inside pass on the environment it was given, not variables it does not have.
    const outside = new Set(fn.env);
    const insert = (at: number, text: string, owner: Edit['owner'], closing?: boolean): Edit => {
      const edit = { start: at, end: at, text, owner, closing };
      extra.push(edit);
      return edit;
    };
    for (const inner of context.model.functions) {
      if (inner.node.start < node.start || inner.node.end > node.end || !context.prologues.has(inner)) continue;
      for (const edit of context.prologues.get(inner)!) skip.add(edit);
      if (inner === fn && unwrapped) continue;
      const env = inner === fn ? '__hp_env' : environment(inner.shares, outside);
      addPrologue(
        inner,
        context.module.slotOf(inner.key),
        context.module.cell,
        context.generation,
        code,
        { insert },
        env,
      );
    }
  }
  if (node.type === 'ArrowFunctionExpression') {
    const arrow = arrowToken(code, node.params.at(-1)?.end ?? node.start, node.body.start);
    const paramsStart = node.async ? secondToken(code, node.start, node.body.start) : node.start;
    // A single parameter without parentheses gets them from its prologue (with its rest
    // parameter, which an arrow whose parameters a closure uses does not get).
    const parens =
      code[paramsStart] === '(' || (node.params.length === 1 && context.prologues.has(fn) && !fn.capturesParams);
    // Outside the parenthesis a prologue may open at the same place. After `async` a space:
    // minified code (tsx's) writes `async()=>`.
    extra.push({
      start: paramsStart,
      end: paramsStart,
      text: `${node.async ? ' ' : ''}${parens ? 'function' : 'function('}`,
      owner: node,
      wraps: 1,
    });
    if (!parens)
      extra.push({ start: node.params[0]!.end, end: node.params[0]!.end, text: ')', owner: node, closing: true });
    if (arrow) extra.push({ start: arrow.start, end: arrow.end, text: '  ', owner: node });
    if (node.expression && arrow) {
      // From right after `=>` to the arrow's end, so a parenthesized body (`() => ({ … })`)
      // stays whole inside, around the prologue's own `(guard ? … : (body))`.
      extra.push({ start: arrow.end, end: arrow.end, text: '{return(', owner: node, wraps: 1 });
      extra.push({ start: node.end, end: node.end, text: ')}', owner: node, closing: true, wraps: 1 });
    }
  } else if (isMethod(context, fn)) {
    // A method's function starts at its parameters (`add(x) { … }`): it needs its keyword.
    const keyword = `${node.async ? 'async ' : ''}function${node.generator ? '*' : ''}`;
    extra.push({ start: node.start, end: node.start, text: keyword, owner: node });
  } else if (node.type === 'FunctionDeclaration') {
    return new Mapped()
      .add('(')
      .append(context.edits.render(code, node.start, node.end, extra, skip))
      .add(')');
  }
  return context.edits.render(code, node.start, node.end, extra, skip);
}

/** Inside `fn`, references to variables of its enclosing functions become `__hp_env.name`. */
function environmentReferences(context: Rendering, fn: LiveFunction): Edit[] {
  const edits: Edit[] = [];
  for (const [identifier, where] of context.resolved) {
    if (where.isModule || identifier.start < fn.node.start || identifier.end > fn.node.end) continue;
    if (where.start >= fn.node.start && where.end <= fn.node.end) continue; // declared inside fn
    const text = context.model.shorthand.has(identifier)
      ? `${identifier.name}:__hp_env.${identifier.name}`
      : `__hp_env.${identifier.name}`;
    edits.push({ start: identifier.start, end: identifier.end, text, owner: identifier });
  }
  return edits;
}

/** An object literal's method, getter or setter: its function node has no `function` of its own. */
function isMethod(context: Rendering, fn: LiveFunction): boolean {
  const property = context.model.properties.get(fn.node)?.property;
  return property !== undefined && (Boolean(property.method) || property.kind === 'get' || property.kind === 'set');
}
