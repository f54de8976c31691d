/**
 * Koa composes its middleware once, when the app starts listening (`callback()`), and
 * koa-compose 4.2 copies the list as it composes it: middleware a load adds, moves or takes
 * back (registrations.ts) would change a list nobody reads any more. So the app's `compose`
 * (Koa 3 sets `this.compose` in its constructor) is wrapped, through an accessor on Koa's
 * prototype: what it composes is composed again at the next request after the list changed.
 * A request pays one comparison; nothing else of Koa is touched.
 */

/** A number per list that changes with every change registrations.ts makes to it. */
const versions = new WeakMap<object, number>();

/** Says that `list` changed: a composition of it is made again before its next use. */
export function changed(list: object): void {
  versions.set(list, (versions.get(list) ?? 0) + 1);
}

/** How many changes `list` has had (0 for none): what is made from it is made again when this moves. */
export function versionOf(list: object): number {
  return versions.get(list) ?? 0;
}

type Compose = (middleware: unknown[]) => (context: unknown, next?: unknown) => unknown;

/** Makes the `compose` of every app of Koa's `proto` follow the changes of its middleware list. */
export function followChanges(proto: object): void {
  if (Object.getOwnPropertyDescriptor(proto, 'compose')) return;
  const own = new WeakMap<object, Compose>();
  Object.defineProperty(proto, 'compose', {
    configurable: true,
    get(this: object): Compose | undefined {
      const compose = own.get(this);
      return compose && recomposing(compose);
    },
    set(this: object, compose: Compose) {
      own.set(this, compose);
    },
  });
}

function recomposing(compose: Compose): Compose {
  return (middleware) => {
    let version = versions.get(middleware);
    let composed = compose(middleware);
    return function (this: unknown, context, next) {
      const now = versions.get(middleware);
      if (now !== version) {
        version = now;
        composed = compose(middleware);
      }
      return Reflect.apply(composed, this, [context, next]);
    };
  };
}
