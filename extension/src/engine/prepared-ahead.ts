/**
 * Saves prepared in the apps before they are made (issue 13: one save into 16 instances of an
 * app). Once typing pauses and the agents have read the file's next version (read-ahead.ts), a
 * version that runs none of the app's code (only new function bodies: runs-nothing.ts in the
 * agent) is prepared too, with agent/prepare's `ahead`. Its save then takes these plans as its
 * phase 1 and only commits: one request into each app, not two, and most of the app's work
 * done between keystrokes.
 *
 * A plan fits its save only if nothing changed that the prepare read: the same code for the
 * same module, still the version the plan was prepared against (another client may have
 * loaded it since), no state shapes to check (the text declares no state: the save sends
 * none), and time left before the agent lets the plan go. Plans that do not fit are aborted,
 * and the save prepares as before. The agent checks again at the commit that the module was
 * not loaded since (a stale plan is refused, nothing changes).
 */
import { randomUUID } from 'node:crypto';
import type { Origin, UpgradePlan } from 'hotpatch-agent/protocol';
import type { AgentClient } from './agent-client';
import type { Compiled } from './compile';
import { upgradeModule, type UpgradeEntry } from './hot-load';
import type { Target } from './targets';

/** A plan taken this close to the agent letting it go (ms) is not taken: its commit could arrive too late. */
const EXPIRY_MARGIN_MS = 5_000;

interface AheadPlan {
  client: AgentClient;
  /** The module it upgrades, the hash of the version it was prepared against, and the code it loads. */
  moduleFile: string;
  baseHash: string;
  code: string;
  origin: Origin;
  plan: UpgradePlan;
}

/** The plans of one text of a file by agent (one module each), each settled once its agent answered. */
interface Prepared {
  text: string;
  plans: Map<AgentClient, Promise<AheadPlan | undefined>>;
}

export class PreparedAhead {
  readonly #byFile = new Map<string, Prepared>();

  /**
   * Prepares `text` of `file` in every target, ahead of its save; `codeOf` is each target's
   * code, as its save compiles it. Replaces the file's earlier plans. Never rejects.
   */
  prepare(file: string, text: string, targets: readonly Target[], codeOf: (target: Target) => Compiled): void {
    this.drop(file);
    const origin: Origin = 'editor';
    const prepareIn = async (target: Target): Promise<AheadPlan | undefined> => {
      const { client, module } = target;
      const compiled = codeOf(target);
      try {
        const plan = await client.prepare({
          plan: randomUUID(),
          ahead: true,
          modules: [upgradeModule({ module, text, compiled }, origin)],
        });
        if (!plan.ok) return undefined; // it runs the app's code, or cannot load: its save says why
        return { client, moduleFile: module.file, baseHash: module.current.hash, code: compiled.code, origin, plan };
      } catch {
        return undefined; // an agent gone, or older than agent/prepare's `ahead`: the save prepares
      }
    };
    this.#byFile.set(file, { text, plans: new Map(targets.map((target) => [target.client, prepareIn(target)])) });
  }

  /** Whether every target of the last text of `file` prepared it (for the reading's report). */
  async allPrepared(file: string): Promise<boolean> {
    const prepared = this.#byFile.get(file);
    return prepared !== undefined && (await Promise.all(prepared.plans.values())).every((plan) => plan !== undefined);
  }

  /**
   * The plans prepared ahead for exactly `text` of `file`, taken once: a function that gives
   * each agent's plan for its entries of the save, where it fits (see the top of this file),
   * and `release`, which aborts every plan not given. Undefined when none was prepared.
   */
  take(
    file: string,
    text: string,
  ):
    | {
        planFor(client: AgentClient, mine: readonly UpgradeEntry[], origin: Origin): Promise<UpgradePlan | undefined>;
        release(): void;
      }
    | undefined {
    const prepared = this.#byFile.get(file);
    if (prepared?.text !== text) return undefined;
    this.#byFile.delete(file);
    const given = new Set<AheadPlan>();
    return {
      // Only this agent's plan is awaited: another's may wait on an app paused in a debugger,
      // which its save does not go to.
      planFor: async (client, mine, origin) => {
        const plan = await prepared.plans.get(client);
        if (!plan || !fits(plan, mine, origin)) return undefined;
        given.add(plan);
        return plan.plan;
      },
      release: () => {
        for (const plan of prepared.plans.values())
          void plan.then((ahead) => ahead && !given.has(ahead) && abort(ahead));
      },
    };
  }

  /** Aborts the plans of `file` (a newer text was read, the file closed). */
  drop(file: string): void {
    const prepared = this.#byFile.get(file);
    if (!prepared) return;
    this.#byFile.delete(file);
    for (const plan of prepared.plans.values()) void plan.then((ahead) => ahead && abort(ahead));
  }

  dispose(): void {
    for (const file of [...this.#byFile.keys()]) this.drop(file);
  }
}

/** Whether a plan prepared ahead is the one a save of `mine` would prepare now. */
function fits(ahead: AheadPlan, mine: readonly UpgradeEntry[], origin: Origin): boolean {
  if (mine.length !== 1) return false;
  const [entry] = mine;
  return (
    entry!.module.file === ahead.moduleFile &&
    entry!.module.current.hash === ahead.baseHash &&
    entry!.compiled.code === ahead.code &&
    origin === ahead.origin &&
    entry!.shape === undefined &&
    entry!.holderShapes === undefined &&
    Date.parse(ahead.plan.expiresAt) - Date.now() > EXPIRY_MARGIN_MS
  );
}

function abort(ahead: AheadPlan): void {
  void ahead.client.abort(ahead.plan.id).catch(() => false);
}
