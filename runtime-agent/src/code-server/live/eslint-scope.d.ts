// The part of eslint-scope's API the live-code analysis uses (the package ships no types).
declare module 'eslint-scope' {
  import type { Node, Identifier } from 'acorn';

  export interface Definition {
    type:
      | 'CatchClause'
      | 'ClassName'
      | 'FunctionName'
      | 'ImplicitGlobalVariable'
      | 'ImportBinding'
      | 'Parameter'
      | 'TDZ'
      | 'Variable';
    name: Identifier;
    node: Node;
    parent: (Node & { kind?: string }) | null;
  }
  export interface Variable {
    name: string;
    scope: Scope;
    defs: Definition[];
    references: Reference[];
  }
  export interface Reference {
    identifier: Identifier;
    from: Scope;
    resolved: Variable | null;
    init?: boolean;
    isWrite(): boolean;
    isRead(): boolean;
  }
  export interface Scope {
    type: string;
    block: Node;
    upper: Scope | null;
    childScopes: Scope[];
    variables: Variable[];
    set: Map<string, Variable>;
    references: Reference[];
    through: Reference[];
    variableScope: Scope;
    /** Strict mode code (a directive, a class body, a module). */
    isStrict: boolean;
    /** Names in it cannot all be resolved ahead: a direct `eval` inside, or `with`. */
    dynamic: boolean;
  }
  export interface ScopeManager {
    scopes: Scope[];
    globalScope: Scope;
    acquire(node: Node, inner?: boolean): Scope | null;
  }
  export function analyze(
    ast: Node,
    options: {
      ecmaVersion?: number;
      sourceType?: 'script' | 'module' | 'commonjs';
      nodejsScope?: boolean;
      childVisitorKeys?: Record<string, string[]>;
    },
  ): ScopeManager;
}
