/**
 * A load applies the edit, not the module (jurigged's changed-statements-only, Dart's kept
 * globals): the new version's code is compared with the running one statement by statement,
 * and the code that is evaluated does only what changed.
 *
 * - An unchanged top-level statement is not run again: `app.listen`, `app.get(...)`,
 *   `items.push(seed)` and the declarations whose initializer did not change keep their
 *   running effect and value. It stays in the evaluated code as blank space, so lines hold.
 * - A changed or new declaration assigns the module binding (`__hotpatch$.s.name`); a new
 *   statement runs once; a statement no longer in the file cannot be undone, and is reported.
 * - A function whose own code changed gets its new body registered under its slot, so every
 *   closure made from it earlier (a route handler, a listener, a plugin's handlers) forwards
 *   to it. A nested function's new body is built from a factory that takes the old closure's
 *   variables.
 * - A changed class is evaluated and, at commit, patched onto the class instances have.
 *
 * References to module bindings in the evaluated code go through `__hotpatch$.s`, which
 * reaches the running module's variables.
 */
import type { Identifier } from 'acorn';
import type { LoadReport } from '../../protocol';
import { Edits, Mapped } from './edits';
import { labelOf, summaryOf, type Digest } from './digest';
import { HP, instrumentFunctions, statementMark, versionHeader } from './instrument';
import type { LiveModule } from './live-module';
import { decoratorsChanged, matchStatements, remakeChangedExports } from './match';
import { redecorations } from './redecorate';
import { setupChangeOf, type SetupChange } from './setup-changes';
import { decoratedTarget } from './validation-decorators';
import { privateMethods, type PrivateMethod } from './private-classes';
import {
  KEY_SEPARATOR,
  isFunction,
  type LiveClass,
  type LiveFunction,
  type ProgramModel,
  type TopStatement,
} from './program';
import { bindDeclaration } from './bind';
import { routeRegistrationTarget } from './fixed-routes';
import { reportClassChanges } from './class-changes';
import { newFieldInitializers } from './fields';
import { renderAsFunction, type Rendering } from './render-function';
import { resolutions } from './resolutions';
import { esmStatement, reportNewExports, type EsmPatch } from './esm-statements';
import { reportStaleReads } from './stale-reads';
import type { AnyNode } from './walk';

/** What a load did and did not do, in words a user reads (the protocol's LoadReport, less its file and mode). */
export type PatchReport = Omit<LoadReport, 'file' | 'mode'>;

/** A report of nothing done yet, with the things that could not apply in place, if any. */
export function emptyReport(notApplied: string[] = []): PatchReport {
  return { kept: 0, ran: [], rebound: [], added: [], functions: [], undone: [], notApplied };
}

export interface Patch {
  code: string;
  /** Takes an offset in `code` back to the offset in the version's code it came from. */
  map: Mapped;
  report: PatchReport;
  /** Old statement index → new statement index, for the statements not run again. */
  kept: Map<number, number>;
  /** ES modules: the imports this version adds (their namespaces are fetched before it runs), by statement index. */
  imports: Array<{ index: number; specifier: string; line: number }>;
  /** Functions that register something new, with the report's note on each (see SetupChange). */
  setupChanges: SetupChange[];
  /** The methods of changed classes with private members, compiled inside the running class (private-classes.ts). */
  privateMethods: PrivateMethod[];
}

/** `registered(i)`: whether the running version's statement `i` registered routes or middleware (taken back if it goes). */
export function buildPatch(
  old: Digest,
  model: ProgramModel,
  module: LiveModule,
  generation: number,
  registered: (index: number) => boolean = () => false,
  /** Whether the running version's statement `i` runs again although unchanged. */
  rerun: (index: number) => boolean = () => false,
): Patch {
  return new PatchBuilder(old, model, module, generation, registered, rerun).build();
}

class PatchBuilder {
  readonly edits = new Edits();
  readonly report = emptyReport();
  readonly #prelude: string[] = [];
  readonly #appendix: string[] = [];
  readonly #imports: Patch['imports'] = [];
  readonly #setupChanges: SetupChange[] = [];
  /** New statement index → the running version's, for the statements not run again. */
  #matched = new Map<number, number>();
  /** Classes whose changed decorators were reported. */
  readonly #decoratorsReported = new Set<string>();
  /** `Class.field`s whose class-validator rules run again (see validation-decorators.ts). */
  readonly #revalidated = new Set<string>();
  readonly #esm: EsmPatch;
  /** Functions whose new body is already registered by the code being emitted. */
  readonly #registered = new Set<LiveFunction>();
  /** Functions already tried (and reported when they could not be given a body). */
  readonly #attempted = new Set<LiveFunction>();
  readonly #resolved: Map<Identifier, { start: number; end: number; isModule: boolean }>;
  readonly #rendering: Rendering;
  readonly #functionOf: Map<AnyNode, LiveFunction>;
  readonly #classOf: Map<AnyNode, LiveClass>;

  constructor(
    readonly old: Digest,
    readonly model: ProgramModel,
    readonly module: LiveModule,
    readonly generation: number,
    readonly registered: (index: number) => boolean,
    readonly rerun: (index: number) => boolean,
  ) {
    this.#resolved = resolutions(model);
    this.#esm = { model, old, report: this.report, imports: this.#imports };
    this.#rendering = { model, module, generation, edits: this.edits, resolved: this.#resolved, prologues: new Map() };
    this.#functionOf = new Map(model.functions.map((f) => [f.node, f]));
    this.#classOf = new Map(model.classes.map((c) => [c.node, c]));
  }

  build(): Patch {
    const { model } = this;
    const esm = model.kind === 'esm';
    this.#rendering.prologues = instrumentFunctions(model, this.module, this.generation, this.edits);
    this.#rewriteModuleReferences();
    for (const meta of model.importMeta) this.edits.replace(meta.start, meta.end, `${HP}.meta`);
    const matched = matchStatements(this.old, this.model, this.registered, this.report, this.rerun);
    this.#matched = matched;
    remakeChangedExports(this.model, matched);
    // The directives, then the header (written last: the prelude is known at the end), then the rest.
    const head = new Mapped();
    const body = new Mapped();
    let at = 0;
    for (const [index, statement] of model.statements.entries()) {
      const { node } = statement;
      const outer = statement.outer ?? node;
      const directive = typeof node.directive === 'string';
      const out = directive && body.text === '' ? head : body;
      out.copy(model.code, at, outer.start);
      if (directive) {
        out.copy(model.code, node.start, node.end);
      } else {
        const oldIndex = matched.get(index);
        const text = this.#statement(statement, oldIndex !== undefined, index);
        if (text.text.trim() !== '' && oldIndex === undefined) body.add(statementMark(index));
        // `export` around a declaration: the declaration is evaluated, the `export` is not.
        body.blank(model.code, outer.start, node.start).append(text).blank(model.code, node.end, outer.end);
      }
      at = outer.end;
    }
    body.copy(model.code, at, model.code.length);
    this.#sweepChangedFunctions();
    this.#reportChangedFunctions();
    this.#reportRemovedValidation(new Set(matched.values()));
    const privateMethods = this.#privateMethods();
    for (const { note, plugin } of reportStaleReads(this.model, new Set(matched.keys()), this.report)) {
      const label = labelOf(plugin.key);
      // One run of the plugin applies both: its new routes and the value its routes read.
      const queued = this.#setupChanges.find((change) => change.label === label && change.runsAgainAsPlugin);
      if (queued) (queued.alsoResolves ??= []).push(note);
      else this.#setupChanges.push({ label, note, runsAgainAsPlugin: true });
    }
    if (esm) reportNewExports(this.model, this.old, this.report);
    this.#appendix.push(
      ...newFieldInitializers(this.model, this.old, this.#resolved, this.edits, this.module, this.report),
    );
    reportClassChanges(this.model, this.old, this.report);
    this.#appendix.push(
      ...redecorations(this.model, this.old, matched, this.report, (i) => {
        const { node } = this.model.statements[i]!;
        return this.edits.render(this.model.code, node.start, node.end).text;
      }),
    );
    // An ES module's later version is not a module: strict as modules are, and an async
    // function, so its top level may await; the code server awaits it.
    head.add((esm ? '"use strict";' : '') + versionHeader() + (esm ? `${HP}.run((async()=>{` : ''));
    head.add(this.#prelude.join('')).append(body);
    if (this.#appendix.length > 0) head.add('\n' + this.#appendix.join('\n'));
    if (esm) head.add('\n})());');
    const kept = new Map([...matched].map(([newIndex, oldIndex]) => [oldIndex, newIndex]));
    return {
      code: head.text,
      map: head,
      report: this.report,
      kept,
      imports: this.#imports,
      setupChanges: this.#setupChanges,
      privateMethods,
    };
  }

  /** The methods of the changed classes with private members, to compile inside the running classes. */
  #privateMethods(): PrivateMethod[] {
    const methods: PrivateMethod[] = [];
    for (const klass of this.model.classes) {
      if (!klass.hasPrivate || !this.old.classes.has(klass.key) || !this.#classChanged(klass.node)) continue;
      const found = privateMethods(
        klass,
        this.model.functions.filter((fn) => fn.member?.owner === klass),
        this.#rendering,
        (key) => this.module.slotOf(key),
        (fn) => this.#changed(fn),
      );
      methods.push(...found.methods);
      this.report.notApplied.push(...found.notApplied);
    }
    return methods;
  }

  #statement(statement: TopStatement, matched: boolean, index: number): Mapped {
    const { node } = statement;
    const code = this.model.code;
    const moduleStatement =
      this.model.kind === 'esm'
        ? esmStatement(this.#esm, statement, matched, index, (n) => this.#keptWithNewBodies(n))
        : undefined;
    if (moduleStatement) return moduleStatement;
    if (statement.exportNames) return new Mapped().blank(code, node.start, node.end);
    if (statement.declaration === 'function') {
      // An unchanged function keeps its running object: only what changed inside it is evaluated.
      const name = statement.declares[0];
      const fn = this.#functionOf.get(node);
      const unchanged = name !== undefined && this.old.bindings.has(name) && fn !== undefined && !this.#changed(fn);
      if (matched && unchanged) {
        this.report.kept += 1;
        return this.#keptWithNewBodies(node);
      }
      return this.#functionDeclaration(statement);
    }
    if (statement.declaration === 'class' && (!matched || this.#classChanged(node))) {
      const name = statement.declares[0];
      const rendered = this.edits.render(code, node.start, node.end);
      if (name && !this.old.bindings.has(name)) {
        this.report.added.push(name);
        return rendered.add(`;${HP}.s.${name}=${name};`);
      }
      return rendered;
    }
    if (matched) {
      this.report.kept += 1;
      return this.#keptWithNewBodies(node);
    }
    const decorated = statement.decorates?.className;
    const field = statement.decorates?.validatedField;
    const decoratedObject = decoratedTarget(node);
    if (decorated && field !== undefined && decoratedObject) {
      // Rules class-validator reads at each validation: the field's old ones out, the new ones in.
      this.#revalidated.add(`${decorated}.${field}`);
      this.report.ran.push(`line ${statement.line}: the validation rules of ${decorated}.${field}`);
      return new Mapped()
        .add(`${HP}.clearValidation(`)
        .append(this.edits.render(code, decoratedObject.start, decoratedObject.end))
        .add(`,${JSON.stringify(field)});`)
        .append(this.edits.render(code, node.start, node.end));
    }
    if (decorated && this.old.classes.has(`${KEY_SEPARATOR}class:${decorated}`)) {
      // Not run: decorating the running class again would not reach what read it at startup.
      if (!this.#decoratorsReported.has(decorated))
        this.report.notApplied.push(decoratorsChanged(decorated, statement.line));
      this.#decoratorsReported.add(decorated);
      return new Mapped().blank(code, node.start, node.end);
    }
    this.#registerFreshFunctions(node);
    if (statement.declaration) return bindDeclaration(statement, this.model.code, this.edits, this.old, this.report);
    const summary = `line ${statement.line}: ${summaryOf(statement.shape)}`;
    this.report.ran.push(summary);
    // What a framework accepts only before the app starts (a Fastify route once it listens, a
    // route on a Hono app: fixed-routes.ts) is reported as needing a restart, and the rest of
    // the version still applies.
    const target = routeRegistrationTarget(node);
    const unlessFixed = target
      ? `if(!${HP}.fixedRoutes(${this.edits.render(code, target.start, target.end).text},${JSON.stringify(summary)}))`
      : '';
    return new Mapped()
      .add(`try{${unlessFixed}{`)
      .append(this.edits.render(code, node.start, node.end))
      .add(`}}catch(__hp_e){${HP}.startupOnly(__hp_e,${JSON.stringify(summary)})}`);
  }

  /** A function declaration stays a declaration (hoisted) of the evaluated code; its body is registered. */
  #functionDeclaration(statement: TopStatement): Mapped {
    const { node } = statement;
    const name = statement.declares[0]!;
    if (!this.old.bindings.has(name)) {
      this.#prelude.push(`${HP}.s.${name}=${name};`);
      this.report.added.push(name);
    } else {
      const fn = this.#functionOf.get(node);
      if (fn && this.#changed(fn) && !fn.fixed) {
        this.#prelude.push(`${HP}.impl(${this.module.slotOf(fn.key)},${name});`);
        this.#registered.add(fn);
        const caller = this.#onlyCalledAtStartup(name);
        if (caller) {
          this.report.notApplied.push(
            `${name} (line ${fn.line}) ran once, at startup: only line ${caller.line} calls it, and that statement does not ` +
              'run again; its new code runs when the app restarts',
          );
        }
      }
    }
    return this.edits.render(this.model.code, node.start, node.end);
  }

  /**
   * A statement that is not run again, as blank space, except the functions and classes in it
   * whose code changed: each is evaluated on its own and registered as the newest body of its
   * slot (a class: patched at commit through its static block).
   */
  #keptWithNewBodies(node: AnyNode): Mapped {
    const code = this.model.code;
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
    this.#changedFunctionList ??= this.model.functions.filter((f) => this.#changed(f));
    return this.#changedFunctionList;
  }
  #changedFunctionList: LiveFunction[] | undefined;

  get #changedClasses(): LiveClass[] {
    this.#changedClassList ??= this.model.classes.filter((c) => this.#classChanged(c.node));
    return this.#changedClassList;
  }
  #changedClassList: LiveClass[] | undefined;

  /** A changed function or class rendered to be evaluated on its own; undefined when it cannot be. */
  #standalone(node: AnyNode): Mapped | undefined {
    const code = this.model.code;
    if (!isFunction(node))
      return new Mapped()
        .add('(')
        .append(this.edits.render(code, node.start, node.end))
        .add(');');
    const fn = this.#functionOf.get(node)!;
    const before = this.old.functions.get(fn.key)!;
    if (fn.fixed || before.fixed) return undefined; // reported by the sweep
    const slot = this.module.slotOf(fn.key);
    this.#registered.add(fn);
    if (!fn.parent) {
      const property = this.#methodProperty(fn);
      if (property) {
        const part = property.kind === 'get' ? 'get' : property.kind === 'set' ? 'set' : 'value';
        return new Mapped()
          .add(`${HP}.member(${slot},{`)
          .append(this.edits.render(code, property.start, property.end))
          .add(`},${JSON.stringify(part)});`);
      }
      return new Mapped().add(`${HP}.impl(${slot},`).append(renderAsFunction(this.#rendering, fn)).add(');');
    }
    return this.#envFactory(fn, slot, before.env);
  }

  /** `(__hp_env) => function (...) {...}`, the closure variables read from the old closure's environment. */
  #envFactory(fn: LiveFunction, slot: number, available: string[]): Mapped | undefined {
    this.#attempted.add(fn);
    const missing = fn.env.filter((n) => !available.includes(n));
    if (missing.length > 0) {
      this.report.notApplied.push(
        `${labelOf(fn.key)} (line ${fn.line}): closures made before this load keep its old code: ` +
          `its new code uses ${missing.join(', ')} from the enclosing function, which they do not capture`,
      );
      return undefined;
    }
    return new Mapped()
      .add(`${HP}.implEnv(${slot},(__hp_env)=>`)
      .append(renderAsFunction(this.#rendering, fn, true))
      .add(');');
  }

  /** Changed module-level functions created by code that runs now register themselves as they are made. */
  #registerFreshFunctions(node: AnyNode): void {
    const methods = new Map<AnyNode, string[]>();
    for (const fn of this.model.functions) {
      if (fn.parent || fn.member || fn.node.start < node.start || fn.node.end > node.end) continue;
      if (fn.node.type === 'FunctionDeclaration' || !this.#changed(fn) || fn.fixed) continue;
      const property = this.#methodProperty(fn);
      if (property) {
        // A method is not an expression to wrap: the object it is made in registers it.
        const object = this.model.properties.get(fn.node)?.object;
        if (!object || property.computed) continue;
        const part = property.kind === 'get' ? 'get' : property.kind === 'set' ? 'set' : 'value';
        const name = JSON.stringify(String((property.key as AnyNode).name ?? (property.key as AnyNode).value));
        const list = methods.get(object) ?? [];
        list.push(`[${this.module.slotOf(fn.key)},${name},"${part}"]`);
        methods.set(object, list);
        this.#registered.add(fn);
        continue;
      }
      if (fn.node.type === 'ArrowFunctionExpression' && fn.usesThis) continue;
      const slot = this.module.slotOf(fn.key);
      this.edits.insert(fn.node.start, `${HP}.impl(${slot},`, fn.node);
      this.edits.insert(fn.node.end, ')', fn.node, true);
      this.#registered.add(fn);
    }
    for (const [object, list] of methods) {
      this.edits.insert(object.start, `${HP}.members([${list.join(',')}],`, object);
      this.edits.insert(object.end, ')', object, true);
    }
  }

  /**
   * Changed functions not yet given a body: nested ones whose enclosing function is evaluated
   * anew still need one for the closures made before (from an environment, appended); the
   * rest keep their old code, and the report says which and why.
   */
  #sweepChangedFunctions(): void {
    for (const fn of this.model.functions) {
      if (fn.member || this.#registered.has(fn) || this.#attempted.has(fn) || !this.#changed(fn)) continue;
      const before = this.old.functions.get(fn.key)!;
      if (fn.fixed || before.fixed) {
        this.report.notApplied.push(
          `${labelOf(fn.key)} (line ${fn.line}) keeps its old code: ${fn.fixed ?? before.fixed}`,
        );
        continue;
      }
      if (!fn.parent) {
        // A class field's arrow (`handler = () => this.x`): its old closures get the new body as
        // a function of their `this` (the body also runs inside the class, for new instances).
        if (fn.node.type === 'ArrowFunctionExpression' && !this.#methodProperty(fn)) {
          this.#appendix.push(
            `${HP}.impl(${this.module.slotOf(fn.key)},${renderAsFunction(this.#rendering, fn).text});`,
          );
          this.#registered.add(fn);
          continue;
        }
        this.report.notApplied.push(
          `${labelOf(fn.key)} (line ${fn.line}): references to it made before this load keep its old code (a method of an object the new version makes)`,
        );
        continue;
      }
      const text = this.#envFactory(fn, this.module.slotOf(fn.key), before.env);
      if (text) {
        this.#appendix.push(text.text);
        this.#registered.add(fn);
      }
    }
  }

  /**
   * A field whose class-validator decorators are all gone, in a class whose other fields' rules
   * ran again: class-validator still holds its old rules (a class whose decorators changed
   * otherwise is said once, by matchStatements).
   */
  #reportRemovedValidation(used: ReadonlySet<number>): void {
    const classes = new Set([...this.#revalidated].map((name) => name.slice(0, name.lastIndexOf('.'))));
    this.old.statements.forEach((statement, index) => {
      const { className, validatedField } = statement.decorates ?? {};
      if (used.has(index) || !className || validatedField === undefined || !classes.has(className)) return;
      if (this.#revalidated.has(`${className}.${validatedField}`)) return;
      this.report.notApplied.push(
        `${className}.${validatedField} (line ${statement.line}): its validation rules were removed, and class-validator keeps them until the app restarts`,
      );
    });
  }

  #reportChangedFunctions(): void {
    for (const fn of this.model.functions) {
      // Class members get their new body through the class (see install.ts).
      if (this.#registered.has(fn) || (fn.member && this.#changed(fn))) this.report.functions.push(labelOf(fn.key));
      const before = this.old.functions.get(fn.key);
      const change = before && setupChangeOf(fn, before, (key) => this.module.slotOf(key));
      if (!change) continue;
      this.report.notApplied.push(change.note);
      this.#setupChanges.push(change);
    }
  }

  /**
   * The kept top-level statement that is the only caller of function `name` (`bootstrap();`
   * in a main file), if so: nothing else holds or calls it, so its new body would never run.
   */
  #onlyCalledAtStartup(name: string): TopStatement | undefined {
    // An ES module's export is held by its importers.
    if ([...this.model.exports.values()].includes(name)) return undefined;
    const refs = (this.model.functionRefs.get(name) ?? []).filter((r) => !this.model.namedOnly.has(r.identifier));
    if (refs.length === 0 || !refs.every((r) => r.topLevel && this.model.callees.has(r.identifier))) return undefined;
    const callers = refs.map(({ identifier }) =>
      this.model.statements.findIndex(
        (s) => (s.outer ?? s.node).start <= identifier.start && identifier.end <= (s.outer ?? s.node).end,
      ),
    );
    if (callers.some((index) => index < 0 || !this.#matched.has(index))) return undefined;
    return this.model.statements[callers[0]!];
  }

  /** The function existed before (same identity) and its own code differs. */
  #changed(fn: LiveFunction): boolean {
    const before = this.old.functions.get(fn.key);
    return before !== undefined && !before.own.equals(fn.own);
  }

  #classChanged(node: AnyNode): boolean {
    const klass = this.#classOf.get(node);
    if (!klass) return false;
    const before = this.old.classes.get(klass.key);
    if (!before) return true;
    if (!before.own.equals(klass.own)) return true;
    return this.model.functions.some((f) => f.member?.owner === klass && this.#changed(f));
  }

  #methodProperty(fn: LiveFunction): AnyNode | undefined {
    const property = this.model.properties.get(fn.node)?.property;
    return property && (property.method || property.kind === 'get' || property.kind === 'set') ? property : undefined;
  }

  /** Every reference to a module binding reads the running module's variable. */
  #rewriteModuleReferences(): void {
    for (const [identifier, where] of this.#resolved) {
      if (!where.isModule) continue;
      const name = identifier.name;
      const text = this.model.shorthand.has(identifier) ? `${name}:${HP}.s.${name}` : `${HP}.s.${name}`;
      this.edits.replace(identifier.start, identifier.end, text);
    }
  }
}
