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
 *   variables (new-bodies.ts).
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
import { runsNothing } from './runs-nothing';
import { KEY_SEPARATOR, type LiveClass, type LiveFunction, type ProgramModel, type TopStatement } from './program';
import { bindDeclaration, keepingExportedState } from './bind';
import { blockStateNote, blockStateOf } from './block-state';
import { routeRegistrationTarget } from './fixed-routes';
import { reportClassChanges } from './class-changes';
import { newFieldInitializers } from './fields';
import { NewBodies } from './new-bodies';
import type { Rendering } from './render-function';
import { resolutions } from './resolutions';
import { esmStatement, reportNewExports, type EsmPatch } from './esm-statements';
import { reportStaleReads } from './stale-reads';
import { exportUpdates } from './export-updates';
import { derivedConstants } from './derived-constants';
import type { AnyNode } from './walk';

/** What a load did and did not do, in words a user reads (the protocol's LoadReport, less its file and mode). */
export type PatchReport = Omit<LoadReport, 'file' | 'mode'>;

/** A report of nothing done yet, with the things that could not apply in place, if any. */
export function emptyReport(notApplied: string[] = []): PatchReport {
  return { kept: 0, ran: [], rebound: [], added: [], functions: [], undone: [], notApplied, dropped: [] };
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
  /** Evaluating it runs none of the app's code (runs-nothing.ts)… */
  runsNothing: boolean;
  /** …by assigning literals to the exports among other things: so if the version's exports are a copy. */
  writesExports: boolean;
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
  /** esbuild's statements that make a module's exports, run again: not reported (remakeChangedExports). */
  #exportsPlumbing = new Set<number>();
  /** Classes whose changed decorators were reported. */
  readonly #decoratorsReported = new Set<string>();
  /** `Class.field`s whose class-validator rules run again (see validation-decorators.ts). */
  readonly #revalidated = new Set<string>();
  readonly #esm: EsmPatch;
  readonly #bodies: NewBodies;
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
    this.#bodies = new NewBodies({
      model,
      old,
      module,
      edits: this.edits,
      report: this.report,
      rendering: this.#rendering,
      appendix: this.#appendix,
      functionOf: this.#functionOf,
      changed: (fn) => this.#changed(fn),
      classChanged: (node) => this.#classChanged(node),
    });
  }

  build(): Patch {
    const { model } = this;
    const esm = model.kind === 'esm';
    this.#rendering.prologues = instrumentFunctions(model, this.module, this.generation, this.edits);
    this.#rewriteModuleReferences();
    for (const meta of model.importMeta) this.edits.replace(meta.start, meta.end, `${HP}.meta`);
    const matched = matchStatements(this.old, this.model, this.registered, this.report, this.rerun);
    this.#matched = matched;
    this.#exportsPlumbing = remakeChangedExports(this.model, matched);
    for (const index of derivedConstants(this.model, matched, this.old)) matched.delete(index);
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
        if (oldIndex === undefined && text.text.trim() !== '') body.add(statementMark(index));
        // `export` around a declaration: the declaration is evaluated, the `export` is not.
        body.blank(model.code, outer.start, node.start).append(text).blank(model.code, node.end, outer.end);
      }
      at = outer.end;
    }
    body.copy(model.code, at, model.code.length);
    this.#bodies.sweep();
    // What is appended from here on runs more than the making of new bodies (runs-nothing.ts).
    const bodiesAppended = this.#appendix.length;
    this.#reportChangedFunctions();
    this.#reportRemovedValidation(new Set(matched.values()));
    const privateMethods = this.#privateMethods();
    const notRunAgain = new Set(matched.keys());
    for (const update of exportUpdates(
      model,
      notRunAgain,
      this.report.rebound,
      (start, end) => this.edits.render(model.code, start, end).text,
    )) {
      this.#appendix.push(update.code);
      this.report.ran.push(`line ${model.statements[update.index]!.line}: ${update.exports} (new values)`);
      notRunAgain.delete(update.index);
    }
    for (const { note, plugin } of reportStaleReads(this.model, notRunAgain, this.report)) {
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
      ...(esm
        ? { runsNothing: false, writesExports: false }
        : runsNothing({
            statements: model.statements,
            runningStatements: this.old.statements,
            matched,
            appendsOtherCode: this.#appendix.length > bodiesAppended,
            otherWork: this.#setupChanges.length + privateMethods.length + this.#imports.length > 0,
            classesEvaluated: model.classes.filter((c) => this.#classChanged(c.node)).map((c) => c.node),
          })),
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
        ? esmStatement(this.#esm, statement, matched, index, (n) => this.#bodies.keptWithNewBodies(n))
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
        return this.#bodies.keptWithNewBodies(node);
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
      return this.#bodies.keptWithNewBodies(node);
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
    this.#bodies.registerFreshFunctions(node);
    if (statement.declaration) return bindDeclaration(statement, this.model.code, this.edits, this.old, this.report);
    const summary = `line ${statement.line}: ${summaryOf(statement.shape)}`;
    if (!this.#exportsPlumbing.has(index)) this.report.ran.push(summary);
    // What a framework accepts only before the app starts (a Fastify route once it listens, a
    // route on a Hono app: fixed-routes.ts) is reported as needing a restart, and the rest of
    // the version still applies.
    const target = routeRegistrationTarget(node);
    const unlessFixed = target
      ? `if(!${HP}.fixedRoutes(${this.edits.render(code, target.start, target.end).text},${JSON.stringify(summary)}))`
      : '';
    // `module.exports = { … }` made of literals (a JSON file): what the app changed in it is kept.
    const kept =
      statement.assigns === 'module . exports' ? keepingExportedState(node, statement.line, this.old, code) : [];
    // A block run to its end made its variables anew: said then, not if it threw (block-state.ts).
    const held = blockStateOf(this.model, node);
    const startedOver =
      held.length > 0 ? `;${HP}.startedOver(${JSON.stringify(blockStateNote(statement, held))});` : '';
    return new Mapped()
      .add(`try{${unlessFixed}{`)
      .append(this.edits.render(code, node.start, node.end, kept))
      .add(`${startedOver}}}catch(__hp_e){${HP}.startupOnly(__hp_e,${JSON.stringify(summary)})}`);
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
        this.#bodies.registered.add(fn);
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
      if (this.#bodies.registered.has(fn) || (fn.member && this.#changed(fn)))
        this.report.functions.push(labelOf(fn.key));
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
