/**
 * A JavaScript file's relative imports without TypeScript, which takes ≈0.3 s to load: a CLI
 * run that loads only JavaScript files needs no other part of it. acorn reads the file (ES
 * imports and re-exports, dynamic imports and `require` calls of a literal, as TypeScript's
 * scanner finds them) and Node resolves each as the app's own `require` would.
 *
 * A file acorn cannot read is a syntax error its load reports, or code an app's own loader
 * compiles (JSX, Flow): its imports are not read, and none is compared. Nor is an import only a
 * loader resolves (tsx's `./cache.js` for `cache.ts`, from a JavaScript file of a TypeScript app).
 */
import { parse, type Node } from 'acorn';
import { KEYS } from 'eslint-visitor-keys';
import { createRequire } from 'node:module';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- ESTree nodes are read generically here
export type AnyNode = Node & Record<string, any>;

/** The files `text` (the file's new contents) imports by a relative path, resolved. */
export function javascriptRelativeImports(file: string, text: string): string[] {
  const program = parsedProgram(text);
  if (!program) return [];
  const resolve = createRequire(file).resolve;
  const files = new Set<string>();
  for (const specifier of importedSpecifiers(program)) {
    if (!specifier.startsWith('./') && !specifier.startsWith('../')) continue;
    try {
      files.add(resolve(specifier));
    } catch {
      // Not found: nothing runs it to compare.
    }
  }
  return [...files];
}

/** The program, read as an ES module, else as a CommonJS script (which may `return` at its top level). */
export function parsedProgram(text: string): AnyNode | undefined {
  const options = { ecmaVersion: 'latest', allowHashBang: true } as const;
  try {
    return parse(text, { ...options, sourceType: 'module' }) as AnyNode;
  } catch {
    try {
      return parse(text, { ...options, sourceType: 'script', allowReturnOutsideFunction: true }) as AnyNode;
    } catch {
      return undefined;
    }
  }
}

function importedSpecifiers(program: AnyNode): string[] {
  const specifiers: string[] = [];
  const literal = (node: AnyNode | null | undefined): void => {
    if (node?.type === 'Literal' && typeof node.value === 'string') specifiers.push(node.value);
  };
  const visit = (node: AnyNode): void => {
    switch (node.type) {
      case 'ImportDeclaration':
      case 'ExportAllDeclaration':
      case 'ExportNamedDeclaration':
      case 'ImportExpression':
        literal(node.source);
        break;
      case 'CallExpression':
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments.length === 1)
          literal(node.arguments[0]);
        break;
    }
    for (const key of (KEYS as Record<string, readonly string[] | undefined>)[node.type] ?? []) {
      const child: unknown = node[key];
      if (Array.isArray(child)) {
        for (const c of child) if (c) visit(c as AnyNode);
      } else if (child && typeof child === 'object') visit(child as AnyNode);
    }
  };
  visit(program);
  return specifiers;
}
