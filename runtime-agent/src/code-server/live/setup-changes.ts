/**
 * What a function that registers routes, middleware or listeners on what it was given (see
 * setup-statements.ts) changed in a load: what it registers anew, or no longer, reaches the app
 * only when it is called again, and such a function typically ran once, at startup.
 */
import { labelOf, summaryOf, type FunctionDigest } from './digest';
import type { LiveFunction } from './program';
import { methodRunsAgain, pluginRunsAgain } from './runs-again';

/**
 * A function whose new version registers something its running version did not, or no longer
 * registers something (a router factory's new route, or one taken out): the change waits for
 * the function to be called again. The code server runs again the statements that called it at
 * startup, when it can (see route-rebuild.ts), and then takes the note back.
 */
export interface SetupChange {
  label: string;
  note: string;
  /**
   * When the function is a class's method that takes no parameters (a controller's
   * `initializeRoutes()`, which its constructor calls) that can run again (runs-again.ts): the
   * class's slot and the method's name, so it can run again on the class's running instance
   * (see method-rerun.ts).
   */
  method?: { classSlot: number; name: string };
  /**
   * Its setup statements that changed all add routes, and it can run again (runs-again.ts): as
   * a Fastify plugin, it runs again on its instance (see fastify-plugins.ts).
   */
  runsAgainAsPlugin?: true;
  /** Other notes of the report that running it again makes untrue (a value its routes read once). */
  alsoResolves?: string[];
}

/**
 * The setup change of `fn` against its running version `before`, with the report's note;
 * undefined when it registers what it did. `slotOf`: the module's slot of a class key.
 */
export function setupChangeOf(
  fn: LiveFunction,
  before: FunctionDigest,
  slotOf: (key: string) => number,
): SetupChange | undefined {
  const added = fn.setup.filter((shape) => !before.setup.some((old) => old.equals(shape)));
  const removed = before.setup.filter((old) => !fn.setup.some((shape) => shape.equals(old)));
  if (added.length === 0 && removed.length === 0) return undefined;
  const changes = [
    added.length > 0 && `registers something new (${added.map(summaryOf).join(', ')})`,
    removed.length > 0 && `no longer registers ${removed.map(summaryOf).join(', ')}`,
  ].filter(Boolean);
  const note =
    `${labelOf(fn.key)} (line ${fn.line}) ${changes.join(' and ')}: ` +
    'that changes the app only when the function is called again; if it ran once at startup (a plugin, a router factory, a setup function), restart to apply it';
  const member = fn.member;
  const method =
    member?.kind === 'method' && !member.isStatic && methodRunsAgain(fn.node)
      ? { classSlot: slotOf(member.owner.key), name: member.name }
      : undefined;
  const runsAgainAsPlugin =
    !member &&
    added.every((shape) => fn.setupRoutes.includes(shape)) &&
    removed.every((shape) => before.setupRoutes.includes(shape)) &&
    pluginRunsAgain(fn.node);
  return { label: labelOf(fn.key), note, method, ...(runsAgainAsPlugin && { runsAgainAsPlugin }) };
}
