/**
 * What a version keeps of its structure once evaluated: enough to diff the next version
 * against it (statement shapes, function and class identities with their own code), without
 * holding its syntax tree.
 */
import {
  CONTEXT_JOIN,
  KEY_SEPARATOR,
  OBJECT_IDENTITY,
  isDeclarationOnly,
  type Declaration,
  type ProgramModel,
} from './program';
import { privateFieldNames, type InstanceField } from './fields';
import type { Shape } from './shape';
import type { EnumFilling } from './enum-filling';
import type { AnyNode } from './walk';

export interface StatementDigest {
  shape: Shape;
  declares: string[];
  declaration: Declaration | undefined;
  exportNames: boolean;
  /** A decorator statement's class and what identifies its decorators (see decorators.ts). */
  decorates: { className: string; key: string; member: boolean; validatedField?: string } | undefined;
  /** An ES module's `import`, `export { … }` or `export … from`: nothing to undo when it goes. */
  declarationOnly: boolean;
  /** A call and nothing else (`app.use('/users', makeUserRoutes())`): what it makes, it hands on itself. */
  callOnly: boolean;
  assigns: string | undefined;
  fills?: EnumFilling;
  line: number;
}

export interface FunctionDigest {
  own: Shape;
  env: string[];
  /** What its closures hand a newer body (LiveFunction.shares). */
  shares: string[];
  line: number;
  fixed: string | undefined;
  /** Statements registering callbacks on a parameter (see LiveFunction.setup). */
  setup: Shape[];
  setupRoutes: Shape[];
}

export interface Digest {
  statements: StatementDigest[];
  functions: Map<string, FunctionDigest>;
  classes: Map<
    string,
    {
      own: Shape;
      hasPrivate: boolean;
      name: string;
      fields: string[];
      /** Its `#private` instance fields, `#` included (see privateFieldNames). */
      privateFields: string[];
      /** Where its constructor assigns fields (`this.x = …;`), in the version's code. */
      fieldStatements: Array<readonly [number, number]>;
    }
  >;
  /** Every module binding that exists in the running module (the first version's and those added since). */
  bindings: Set<string>;
  /** An ES module's exports (see ProgramModel.exports). */
  exports: Map<string, string | undefined>;
}

export function digestOf(model: ProgramModel, inherited: Iterable<string> = []): Digest {
  return {
    statements: model.statements.map((s) => ({
      shape: s.shape,
      declares: s.declares,
      declaration: s.declaration,
      exportNames: s.exportNames,
      decorates: s.decorates,
      declarationOnly: isDeclarationOnly(s.outer ?? s.node),
      callOnly: isCallOnly(s.outer ?? s.node),
      assigns: s.assigns,
      fills: s.fills,
      line: s.line,
    })),
    functions: new Map(
      // No readable label here: reports make one (labelOf) for the few functions they name.
      model.functions.map((f) => [
        f.key,
        {
          own: f.own,
          env: f.env,
          shares: f.shares,
          line: f.line,
          fixed: f.fixed,
          setup: f.setup,
          setupRoutes: f.setupRoutes,
        },
      ]),
    ),
    classes: new Map(
      model.classes.map((c) => [
        c.key,
        {
          own: c.own,
          hasPrivate: c.hasPrivate,
          name: c.name,
          fields: c.fields.map((f) => f.name),
          privateFields: c.hasPrivate ? privateFieldNames(c.node) : [],
          fieldStatements: fieldStatements(c.fields),
        },
      ]),
    ),
    bindings: new Set([...inherited, ...model.bindings.keys()]),
    exports: model.exports,
  };
}

/** Where a constructor assigns `fields`. */
export function fieldStatements(fields: InstanceField[]): Array<readonly [number, number]> {
  return fields.flatMap((f) => (f.statement ? [[f.statement.start, f.statement.end] as const] : []));
}

/**
 * A readable name for reports, the last part of a key: ` › fn:list` → `list`, ` › call:app . get('/')#1` →
 * `app.get('/')`, ` › class:Posts.field:list` (an arrow in a class field) → `Posts.list`.
 */
export function labelOf(key: string): string {
  const inFunction = key.slice(key.lastIndexOf(KEY_SEPARATOR) + KEY_SEPARATOR.length);
  // Named by the innermost call it is an argument of (`asyncHandler()`), not the calls around it.
  const joined = inFunction.lastIndexOf(CONTEXT_JOIN);
  const last = joined < 0 ? inFunction : inFunction.slice(joined + CONTEXT_JOIN.length);
  // In an object known by its literal properties (reader.ts): `handler of {method:'POST',path:'/books'}`.
  const [open, close] = OBJECT_IDENTITY;
  const opened = last.lastIndexOf(open);
  if (opened >= 0) {
    const closed = last.indexOf(close, opened);
    const member = last.slice(last.lastIndexOf('.prop:') + '.prop:'.length).replace(/#\d+$/, '');
    return shorten(`${member} of {${last.slice(opened + open.length, closed)}}`);
  }
  const readable = last
    .replace(/^(fn|var|prop|set|call|class):/, '')
    .replace(/#\d+$/, '')
    .replace(/\.(static )?(method|get|set|constructor|field):/, '.');
  return shorten(inArray(readable) ?? tight(readable)) || 'a function';
}

/**
 * An array's element (reader.ts places it as `<call>#<argument>[<the other elements>]#<index>`,
 * once per array it is in): named by the call and the elements next to it, in the innermost
 * array, as a table of routes names a handler by its path: `new Map([['/greet', (url) => …]])`
 * → `Map(…): ['/greet', …]`, not by the other routes. Undefined when not in an array.
 */
function inArray(readable: string): string | undefined {
  const first = /#\d+\[/.exec(readable);
  if (!first || !readable.endsWith(']')) return undefined;
  let depth = 0;
  for (let at = readable.length - 1; at > first.index; at--) {
    if (readable[at] === ']') depth++;
    else if (readable[at] === '[' && --depth === 0) {
      const others = tight(readable.slice(at + 1, -1));
      return `${tight(readable.slice(0, first.index))}: [${others ? `${others}, ` : ''}…]`;
    }
  }
  return undefined;
}

/** A statement's tokens, for reports: `app.get('/x', (req, res) => {…})`. */
export function summaryOf(shape: Shape): string {
  return shorten(tight(shape.tokens).replace(/;$/, ''));
}

/** Tokens joined by spaces, with the spaces around punctuation taken out again. */
function tight(tokens: string): string {
  return tokens.replace(/ ?([.()[\]]) ?/g, '$1').replace(/ ([,;])/g, '$1');
}

function shorten(text: string): string {
  return text.length > 70 ? `${text.slice(0, 67)}...` : text;
}

/** `app.use(…);`, `await app.register(…);`: an expression statement that is one call, not an assignment or an export. */
function isCallOnly(node: AnyNode): boolean {
  if (node.type !== 'ExpressionStatement') return false;
  const expression = node.expression as AnyNode;
  const call = expression.type === 'AwaitExpression' ? (expression.argument as AnyNode) : expression;
  return call.type === 'CallExpression';
}
