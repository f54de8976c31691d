/**
 * Jobs a module's top-level statements schedule with node-cron (`cron.schedule('* * * * * *',
 * job)`) are the statement's registrations (registrations.ts): a load that takes the statement
 * out, or changes it (another schedule), destroys the task it made, so its job stops as after a
 * restart, and a changed statement schedules its own. Before, the old task ran on next to the
 * new one, and a removed job ran until a restart.
 *
 * node-cron keeps every task it makes in one map, which its `getTasks()` returns: `set` is
 * wrapped on that map (not on Map's prototype), so every way of making a task (`schedule`,
 * `createTask`) is seen, in the CommonJS build and in the ES module one, each with its own map.
 * A task made outside a top level (in a route handler, at a request) is nobody's statement's,
 * and stays.
 */
import { registeredByStatement } from './registrations';

interface ScheduledTask {
  destroy(): unknown;
}

function isScheduledTask(value: unknown): value is ScheduledTask {
  return typeof value === 'object' && value !== null && typeof (value as ScheduledTask).destroy === 'function';
}

/** Adapts node-cron (its module's exports, or its ES module's namespace). */
export function adaptNodeCron(exports: unknown): void {
  const getTasks = (exports as { getTasks?: unknown }).getTasks;
  if (typeof getTasks !== 'function') return;
  const tasks: unknown = getTasks();
  if (!(tasks instanceof Map) || Object.hasOwn(tasks, 'set')) return;
  const set = tasks.set;
  Object.defineProperty(tasks, 'set', {
    configurable: true,
    writable: true,
    value: function (this: Map<unknown, unknown>, id: unknown, task: unknown) {
      const result = set.call(this, id, task);
      if (isScheduledTask(task)) {
        registeredByStatement(task, () => {
          if (this.get(id) !== task) return false; // destroyed by the app already
          task.destroy();
          return true;
        });
      }
      return result;
    },
  });
}
