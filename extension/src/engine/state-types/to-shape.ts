/**
 * From a checked TypeScript type to the runtime shape the agent checks migrated states
 * against. Structural: names, aliases and imports are looked through. Anything a value check
 * cannot express (functions, symbols, type parameters, class instances from the lib other
 * than Map/Set/Date, recursive types) becomes `unknown`, which accepts every value.
 */
import type { StateShape } from 'hotpatch-agent/protocol';
import ts from 'typescript';

const UNKNOWN: StateShape = { type: 'unknown' };

/**
 * The object shapes made of an instance of one of the app's classes, and its type's name: a
 * codeChange stub converts such a value by adding to the instance (Object.assign), so that it
 * keeps its class, its methods and its fields no type names, where a plain object of the new
 * fields would lose them all (convert.ts). Kept beside the shapes, not in them: a shape is
 * what the agent checks a value against, and the protocol carries no class.
 */
const classInstances = new WeakMap<StateShape, string>();

/** The type (`Order`, `Box<string>`) of the class instances `shape` describes, if it describes a class's instances. */
export function classOfShape(shape: StateShape): string | undefined {
  return classInstances.get(shape);
}

/** Deeper than any state a person writes; stops expansions of generated types. */
const MAX_DEPTH = 24;

const F = ts.TypeFlags;
/** A primitive part of an intersection (`string & { __brand: 'Id' }`) decides its shape. */
const PRIMITIVE = F.StringLike | F.NumberLike | F.BooleanLike | F.BigIntLike;

export class ShapeBuilder {
  /** Object types being converted, outermost first: meeting one again means recursion. */
  readonly #path = new Set<ts.Type>();

  constructor(
    private readonly program: ts.Program,
    private readonly checker: ts.TypeChecker,
  ) {}

  /** `node`, when known, is where the type is written: unions keep that order (for defaults). */
  shapeOf(type: ts.Type, node?: ts.TypeNode): StateShape {
    const f = type.flags;
    if (f & F.Boolean) return { type: 'boolean' };
    if (f & F.Union) return this.#union((type as ts.UnionType).types, node ?? aliasNode(type));
    if (f & F.StringLiteral) return { type: 'literal', value: (type as ts.StringLiteralType).value };
    if (f & F.NumberLiteral) return { type: 'literal', value: (type as ts.NumberLiteralType).value };
    if (f & F.BooleanLiteral) return { type: 'literal', value: this.checker.typeToString(type) === 'true' };
    // A state's string may be a template literal or an intrinsic like Uppercase<...>: a string all the same.
    if (f & (F.String | F.TemplateLiteral | F.StringMapping)) return { type: 'string' };
    if (f & F.Number) return { type: 'number' };
    // StateShape literals carry no bigint: a bigint literal checks as any bigint.
    if (f & (F.BigInt | F.BigIntLiteral)) return { type: 'bigint' };
    if (f & F.Null) return { type: 'null' };
    if (f & (F.Undefined | F.Void)) return { type: 'undefined' };
    if (f & F.Intersection) {
      const primitive = (type as ts.IntersectionType).types.find((t) => t.flags & PRIMITIVE);
      return primitive ? this.shapeOf(primitive) : this.#object(type);
    }
    if (f & F.Object) return this.#object(type);
    return UNKNOWN;
  }

  /** A property's shape; an optional property's `| undefined` is implied by `optional`. */
  propertyShape(symbol: ts.Symbol): { shape: StateShape; optional?: boolean } {
    const type = this.checker.getTypeOfSymbol(symbol);
    const node = declaredTypeNode(symbol);
    if (!(symbol.flags & ts.SymbolFlags.Optional)) return { shape: this.shapeOf(type, node) };
    const defined = type.isUnion() ? type.types.filter((t) => !(t.flags & F.Undefined)) : [type];
    const shape = defined.length === 1 ? this.shapeOf(defined[0]!, node) : this.#union(defined, node);
    return { shape, optional: true };
  }

  #union(members: readonly ts.Type[], node: ts.TypeNode | undefined): StateShape {
    const order = this.#declaredOrder(node);
    const sorted = order
      ? [...members].sort((a, b) => (order.get(a) ?? order.size) - (order.get(b) ?? order.size))
      : members;
    const options: StateShape[] = [];
    for (const member of sorted) {
      const shape = this.shapeOf(member);
      // unknown | X accepts anything: say so once.
      if (shape.type === 'unknown') return UNKNOWN;
      options.push(...(shape.type === 'union' ? shape.options : [shape]));
    }
    // `boolean` reaches us as `true | false` inside larger unions: write it as one.
    const t = options.findIndex((o) => o.type === 'literal' && o.value === true);
    const f = options.findIndex((o) => o.type === 'literal' && o.value === false);
    if (t >= 0 && f >= 0) {
      options.splice(Math.max(t, f), 1);
      options.splice(Math.min(t, f), 1, { type: 'boolean' });
    }
    return options.length === 1 ? options[0]! : { type: 'union', options };
  }

  /** Position of each member type in the union as written (`'idle' | 'busy'`), through aliases. */
  #declaredOrder(node: ts.TypeNode | undefined): Map<ts.Type, number> | undefined {
    for (let hops = 0; node && hops < 8; hops++) {
      if (ts.isParenthesizedTypeNode(node)) node = node.type;
      else if (ts.isTypeReferenceNode(node)) node = aliasNode(this.checker.getTypeFromTypeNode(node));
      else break;
    }
    if (!node || !ts.isUnionTypeNode(node)) return undefined;
    const order = new Map<ts.Type, number>();
    node.types.forEach((member, index) => {
      const type = this.checker.getTypeFromTypeNode(member);
      for (const part of type.isUnion() ? type.types : [type]) if (!order.has(part)) order.set(part, index);
    });
    return order;
  }

  #object(type: ts.Type): StateShape {
    if (this.#path.has(type) || this.#path.size >= MAX_DEPTH) return UNKNOWN;
    this.#path.add(type);
    try {
      return this.#objectShape(type);
    } finally {
      this.#path.delete(type);
    }
  }

  #objectShape(type: ts.Type): StateShape {
    const { checker } = this;
    if (checker.isTupleType(type)) {
      const target = (type as ts.TypeReference).target as ts.TupleType;
      // Optional and rest elements have no fixed length, which is what a tuple shape checks.
      if (target.elementFlags.some((flag) => flag !== ts.ElementFlags.Required)) return UNKNOWN;
      const elements = checker.getTypeArguments(type as ts.TypeReference).slice(0, target.elementFlags.length);
      return { type: 'tuple', elements: elements.map((e) => this.shapeOf(e)) };
    }
    if (checker.isArrayType(type)) {
      return { type: 'array', element: this.#typeArgument(type, 0) };
    }
    const lib = this.#libName(type);
    if (lib === 'Map' || lib === 'ReadonlyMap') {
      return { type: 'map', key: this.#typeArgument(type, 0), value: this.#typeArgument(type, 1) };
    }
    if (lib === 'Set' || lib === 'ReadonlySet') return { type: 'set', element: this.#typeArgument(type, 0) };
    if (lib === 'Date') return { type: 'date' };
    // Promise, RegExp, Error, typed arrays, WeakMap...: not plain data a value check describes.
    if (lib !== undefined) return UNKNOWN;
    if (type.getCallSignatures().length > 0 || type.getConstructSignatures().length > 0) return UNKNOWN;

    const properties: Record<string, { shape: StateShape; optional?: boolean }> = {};
    for (const property of checker.getPropertiesOfType(type)) {
      if (!isStateProperty(property)) continue;
      properties[property.name] = this.propertyShape(property);
    }
    const shape: StateShape = { type: 'object', properties };
    const index = this.#index(type);
    if (index) shape.index = index;
    const symbol = type.getSymbol();
    if (symbol && symbol.flags & ts.SymbolFlags.Class) classInstances.set(shape, this.checker.typeToString(type));
    return shape;
  }

  /** A string index signature, else a number one (object keys are strings at run time). */
  #index(type: ts.Type): StateShape | undefined {
    const infos = this.checker.getIndexInfosOfType(type);
    const info = infos.find((i) => i.keyType.flags & F.String) ?? infos.find((i) => i.keyType.flags & F.Number);
    return info && this.shapeOf(info.type, info.declaration?.type);
  }

  #typeArgument(type: ts.Type, index: number): StateShape {
    if (!((type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference)) return UNKNOWN;
    const argument = this.checker.getTypeArguments(type as ts.TypeReference)[index];
    return argument ? this.shapeOf(argument) : UNKNOWN;
  }

  /** The name of a class or interface declared by the default lib, if the type is one. */
  #libName(type: ts.Type): string | undefined {
    const symbol = type.getSymbol();
    // Record<K, V>, Partial<T>... are lib aliases of mapped types: their symbol is a type literal.
    if (!symbol || !(symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface))) return undefined;
    const declarations = symbol.declarations ?? [];
    const fromLib = declarations.some((d) => this.program.isSourceFileDefaultLibrary(d.getSourceFile()));
    return fromLib ? symbol.name : undefined;
  }
}

/** Data, not behaviour: methods, accessors, symbol-keyed and #private members are left out. */
function isStateProperty(symbol: ts.Symbol): boolean {
  const behaviour = ts.SymbolFlags.Method | ts.SymbolFlags.GetAccessor | ts.SymbolFlags.SetAccessor;
  const name = String(symbol.escapedName);
  return !(symbol.flags & behaviour) && !name.startsWith('__@') && !name.startsWith('__#') && !name.startsWith('#');
}

/** Where a property's type is written, when it is a plain property declaration. */
function declaredTypeNode(symbol: ts.Symbol): ts.TypeNode | undefined {
  const declaration = symbol.valueDeclaration ?? symbol.declarations?.[0];
  if (declaration && (ts.isPropertySignature(declaration) || ts.isPropertyDeclaration(declaration))) {
    return declaration.type;
  }
  return undefined;
}

/** The written form of a type alias (`type Status = 'idle' | 'busy'`), for its order. */
function aliasNode(type: ts.Type): ts.TypeNode | undefined {
  const declaration = type.aliasSymbol?.declarations?.find(ts.isTypeAliasDeclaration);
  return declaration?.type;
}
