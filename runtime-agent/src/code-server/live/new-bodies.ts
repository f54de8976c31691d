/**
 * The new bodies of a load's changed functions and classes (see patch.ts): a changed function
 * gets its body registered for its slot, so closures made from it before forward to it; a
 * nested one, from a factory that takes the old closure's variables; a changed class is
 * evaluated on its own and patched onto the running class at commit. What cannot be given a
 * new body is said in the report.
 */
import { labelOf, type Digest } from './digest';
import { Mapped, type Edits } from './edits';
import { HP } from './instrument';
import type { LiveModule } from './live-module';
import type { PatchReport } from './patch';
import { isFunction, type LiveClass, type LiveFunction, type ProgramModel } from './program';
import { renderAsFunction, type Rendering } from './render-function';
import type { AnyNode } from './walk';

/** What the patch being built shares with its new bodies. */
export interface BodiesContext {
  model: ProgramModel;
  old: Digest;
  module: LiveModule;
  edits: Edits;
  report: PatchReport;
  rendering: Rendering;
  /** Code evaluated after the version's statements. */
  appendix: string[];
  functionOf: Map<AnyNode, LiveFunction>;
  /** The function existed before (same identity) and its own code differs. */
  changed(fn: LiveFunction): boolean;
  classChanged(node: AnyNode): boolean;
}

export class NewBodies {
  /** Functions whose new body the code being emitted registers. */
  readonly registered = new Set<LiveFunction>();
  /** Functions already tried (and reported when they could not be given a body). */
  readonly #attempted = new Set<LiveFunction>();

  constructor(readonly ctx: BodiesContext) {}

  /**
   * A statement that is not run again, as blank space, except the functions and classes in it
   * whose code changed: each is evaluated on its own and registered as the newest body of its
   * slot (a class: patched at commit through its static block).
   */
  keptWithNewBodies(node: AnyNode): Mapped {
    const code = this.ctx.model.code;
    const out = new Mapped();
    let at = node.start;
    for (const item of this.#changedInside(node)) {
      const text = this.#standalone(item);
      if (text === undefined) continue;
      out.blank(code, at, item.start).append(text);
      at = item.end;
    }
    return out.blank(code, at, node.end);
  }

  /** The outermost changed functions and classes inside a kept statement. */
  #changedInside(node: AnyNode): AnyNode[] {
    // From the lists of changed functions and classes, not a walk of the statement's tree.
    const inside = (n: AnyNode): boolean => n.start >= node.start && n.end <= node.end;
    const candidates = [
      ...this.#changedFunctions.filter((f) => !f.member && inside(f.node)).map((f) => f.node),
      ...this.#changedClasses.filter((c) => inside(c.node)).map((c) => c.node),
    ].sort((a, b) => a.start - b.start || b.end - a.end);
    // The outermost ones: a changed function inside another is evaluated with it.
    const outermost: AnyNode[] = [];
    for (const candidate of candidates) {
      const last = outermost.at(-1);
      if (!last || candidate.start >= last.end) outermost.push(candidate);
    }
    return outermost;
  }

  get #changedFunctions(): LiveFunction[] {
    this.#changedFunctionList ??= this.ctx.model.functions.filter((f) => this.ctx.changed(f));
    return this.#changedFunctionList;
  }
  #changedFunctionList: LiveFunction[] | undefined;

  get #changedClasses(): LiveClass[] {
    this.#changedClassList ??= this.ctx.model.classes.filter((c) => this.ctx.classChanged(c.node));
    return this.#changedClassList;
  }
  #changedClassList: LiveClass[] | undefined;

  /** A changed function or class rendered to be evaluated on its own; undefined when it cannot be. */
  #standalone(node: AnyNode): Mapped | undefined {
    const code = this.ctx.model.code;
    if (!isFunction(node))
      return new Mapped()
        .add('(')
        .append(this.ctx.edits.render(code, node.start, node.end))
        .add(');');
    const fn = this.ctx.functionOf.get(node)!;
    const before = this.ctx.old.functions.get(fn.key)!;
    if (fn.fixed || before.fixed) return undefined; // reported by the sweep
    const slot = this.ctx.module.slotOf(fn.key);
    // A function with no enclosing one but variables of a block around it (`if (require.main
    // === module) { const hits = []; app.get('/', () => hits.length) }`) takes them from the
    // old closure's environment too: at the module's top level its body would not see them.
    if (!fn.parent && fn.env.length === 0) {
      this.registered.add(fn);
      const property = methodProperty(this.ctx.model, fn);
      if (property) {
        const part = partOf(property);
        return new Mapped()
          .add(`${HP}.member(${slot},{`)
          .append(this.ctx.edits.render(code, property.start, property.end))
          .add(`},${JSON.stringify(part)});`);
      }
      return new Mapped().add(`${HP}.impl(${slot},`).append(renderAsFunction(this.ctx.rendering, fn)).add(');');
    }
    const fromEnv = this.#envFactory(fn, slot, before.shares);
    // Said to have new code only when it has: the report says why not otherwise.
    if (fromEnv) this.registered.add(fn);
    return fromEnv;
  }

  /** `(__hp_env) => function (...) {...}`, the closure variables read from the old closure's environment. */
  #envFactory(fn: LiveFunction, slot: number, available: string[]): Mapped | undefined {
    this.#attempted.add(fn);
    const missing = fn.env.filter((n) => !available.includes(n));
    if (missing.length > 0) {
      this.ctx.report.notApplied.push(
        `${labelOf(fn.key)} (line ${fn.line}): closures made before this load keep its old code: ` +
          `its new code uses ${missing.join(', ')} from the enclosing ${fn.parent ? 'function' : 'block'}, which they do not capture`,
      );
      return undefined;
    }
    return new Mapped()
      .add(`${HP}.implEnv(${slot},(__hp_env)=>`)
      .append(renderAsFunction(this.ctx.rendering, fn, true))
      .add(');');
  }

  /** Changed module-level functions created by code that runs now register themselves as they are made. */
  registerFreshFunctions(node: AnyNode): void {
    const methods = new Map<AnyNode, string[]>();
    for (const fn of this.ctx.model.functions) {
      if (fn.parent || fn.member || fn.node.start < node.start || fn.node.end > node.end) continue;
      if (fn.node.type === 'FunctionDeclaration' || !this.ctx.changed(fn) || fn.fixed) continue;
      const property = methodProperty(this.ctx.model, fn);
      if (property) {
        // A method is not an expression to wrap: the object it is made in registers it.
        const object = this.ctx.model.properties.get(fn.node)?.object;
        if (!object || property.computed) continue;
        const part = partOf(property);
        const name = JSON.stringify(String((property.key as AnyNode).name ?? (property.key as AnyNode).value));
        const list = methods.get(object) ?? [];
        list.push(`[${this.ctx.module.slotOf(fn.key)},${name},"${part}"]`);
        methods.set(object, list);
        this.registered.add(fn);
        continue;
      }
      if (fn.node.type === 'ArrowFunctionExpression' && fn.usesThis) continue;
      const slot = this.ctx.module.slotOf(fn.key);
      this.ctx.edits.insert(fn.node.start, `${HP}.impl(${slot},`, fn.node);
      this.ctx.edits.insert(fn.node.end, ')', fn.node, true);
      this.registered.add(fn);
    }
    for (const [object, list] of methods) {
      this.ctx.edits.insert(object.start, `${HP}.members([${list.join(',')}],`, object);
      this.ctx.edits.insert(object.end, ')', object, true);
    }
  }

  /**
   * Changed functions not yet given a body: nested ones whose enclosing function is evaluated
   * anew still need one for the closures made before (from an environment, appended); the
   * rest keep their old code, and the report says which and why.
   */
  sweep(): void {
    for (const fn of this.ctx.model.functions) {
      if (fn.member || this.registered.has(fn) || this.#attempted.has(fn) || !this.ctx.changed(fn)) continue;
      const before = this.ctx.old.functions.get(fn.key)!;
      if (fn.fixed || before.fixed) {
        this.ctx.report.notApplied.push(
          `${labelOf(fn.key)} (line ${fn.line}) keeps its old code: ${fn.fixed ?? before.fixed}`,
        );
        continue;
      }
      if (!fn.parent && fn.env.length === 0) {
        // A class field's arrow (`handler = () => this.x`): its old closures get the new body as
        // a function of their `this` (the body also runs inside the class, for new instances).
        if (fn.node.type === 'ArrowFunctionExpression' && !methodProperty(this.ctx.model, fn)) {
          this.ctx.appendix.push(
            `${HP}.impl(${this.ctx.module.slotOf(fn.key)},${renderAsFunction(this.ctx.rendering, fn).text});`,
          );
          this.registered.add(fn);
          continue;
        }
        this.ctx.report.notApplied.push(
          `${labelOf(fn.key)} (line ${fn.line}): references to it made before this load keep its old code (a method of an object the new version makes)`,
        );
        continue;
      }
      const text = this.#envFactory(fn, this.ctx.module.slotOf(fn.key), before.shares);
      if (text) {
        this.ctx.appendix.push(text.text);
        this.registered.add(fn);
      }
    }
  }
}

/** The object-literal method, getter or setter `fn` is written as, if it is one. */
export function methodProperty(model: ProgramModel, fn: LiveFunction): AnyNode | undefined {
  const property = model.properties.get(fn.node)?.property;
  return property && (property.method || property.kind === 'get' || property.kind === 'set') ? property : undefined;
}

/** Which part of a property a body is: its getter, its setter, or its value (a method). */
function partOf(property: AnyNode): 'get' | 'set' | 'value' {
  return property.kind === 'get' ? 'get' : property.kind === 'set' ? 'set' : 'value';
}
