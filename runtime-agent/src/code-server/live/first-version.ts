/**
 * What a live module's first version hands over as the app starts, made cheap to make: an app
 * makes one of each for every hot module, most of them never edited. Classes, not object
 * literals with getters, which V8 makes through its runtime (≈3.5 µs each, issue 13).
 */
import { facadeUrl } from '../esm-facade';
import { sourceLines } from '../original-source';
import { digestOf, type Digest } from './digest';
import type { ClassInfo, ClassMember, LiveVersion } from './index';
import { constructorKey, instrumentFirstVersion } from './instrument';
import type { EsmAccess, LiveModule, VersionScope } from './live-module';
import { DYNAMIC_IMPORT, IMPORT_META, type BindingAccess } from './module-bindings';
import type { PatchReport } from './patch';
import type { SetupChange } from './setup-changes';
import { readProgram, type ModuleKind, type ProgramModel } from './program';

/**
 * A first version whose tables (digest, classes, slots) are read from its code at its first
 * load or rollback, not at startup: an ES module's, which the module hooks instrumented (on
 * Node 20 in their own thread), and a module whose instrumented code came from the transform
 * cache. The same code read again gives the same slots. Read at startup, it cost every module
 * of the app a parse and scope analysis, most of them for modules never edited (issue 13).
 */
export class FirstVersionReadLater implements LiveVersion {
  readonly report: PatchReport | undefined = undefined;
  readonly removed: object[] = [];
  readonly replaces = new Map<number, { id: object; undone: string }>();
  readonly setupChanges: SetupChange[] = [];
  #kept: Map<number, number> | undefined;
  #tables: { digest: Digest; classes: Map<number, ClassInfo> } | undefined;

  constructor(
    readonly module: LiveModule,
    readonly scope: VersionScope,
    readonly code: string,
    readonly kind: ModuleKind,
  ) {}

  get digest(): Digest {
    return this.#read().digest;
  }

  get classes(): Map<number, ClassInfo> {
    return this.#read().classes;
  }

  get kept(): Map<number, number> {
    return (this.#kept ??= new Map());
  }

  #read(): { digest: Digest; classes: Map<number, ClassInfo> } {
    if (this.#tables) return this.#tables;
    const { module, code } = this;
    let model: ProgramModel;
    try {
      model = readProgram(code, sourceLines(module.file, code), this.kind);
      instrumentFirstVersion(model, module); // numbers the slots as when the code was made live
    } catch (error) {
      // Not a ParseFailure: this is the running code, not the code being loaded.
      throw new Error(`${module.file}: its running version could not be read again: ${String(error)}`);
    }
    return (this.#tables = { digest: digestOf(model), classes: classesOf(model, module) });
  }
}

/** Each class of `model` by slot, with its members (a constructor always among them). */
export function classesOf(model: ProgramModel, module: LiveModule): Map<number, ClassInfo> {
  const classes = new Map<number, ClassInfo>();
  for (const klass of model.classes) {
    const members: ClassMember[] = model.functions.flatMap((fn) =>
      fn.member?.owner === klass
        ? [{ slot: module.slotOf(fn.key), name: fn.member.name, kind: fn.member.kind, isStatic: fn.member.isStatic }]
        : [],
    );
    if (!members.some((m) => m.kind === 'constructor')) {
      members.push({
        slot: module.slotOf(constructorKey(klass)),
        name: 'constructor',
        kind: 'constructor',
        isStatic: false,
      });
    }
    classes.set(module.slotOf(klass.key), { name: klass.name, hasPrivate: klass.hasPrivate, members });
  }
  return classes;
}

/**
 * What an ES module's first version hands over. Its code reads `import.meta` through its scope
 * (see instrumentStartup), with the URL the app imported it by, not the one the facade imports
 * it by. Made when first read: V8 makes a module's `import.meta` only when its code asks for
 * it, and most never do (making it for each was ≈4 µs a module as an app started, issue 13).
 */
export class FirstEsmAccess implements EsmAccess {
  namespace?: Record<string, unknown>;
  #meta: EsmAccess['meta'] | undefined;

  /** `access`: the header's function over the module's bindings, its `import.meta` and `import()`. */
  constructor(readonly access: BindingAccess) {}

  get meta(): EsmAccess['meta'] {
    if (!this.#meta) {
      const own = this.access(IMPORT_META) as EsmAccess['meta'];
      this.#meta = { ...own, url: facadeUrl(own.url) };
    }
    return this.#meta;
  }

  importer(specifier: string): Promise<unknown> {
    return this.access(DYNAMIC_IMPORT, undefined, specifier) as Promise<unknown>;
  }
}
