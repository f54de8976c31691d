/** Notifications (agent → every initialized client). */
import { NotificationType } from 'vscode-jsonrpc';
import type { ModuleInfo } from './agent-info';
import type { ProcessInfo, SupervisorInfo } from './process-info';

export const moduleLoaded = new NotificationType<{ module: ModuleInfo }>('agent/moduleLoaded');
/** Sent by the agent when a module's old version was purged. */
export const modulePurged = new NotificationType<{ module: ModuleInfo }>('agent/modulePurged');
/** Sent by the agent when a server process starts. */
export const processStarted = new NotificationType<{ process: ProcessInfo }>('agent/processStarted');
/** Sent by the agent when a server process exits, with why ('normal', 'shutdown', 'killed' or the crash). */
export const processExited = new NotificationType<{ process: ProcessInfo; reason: string }>('agent/processExited');

/**
 * Sent by the agent when who holds a process suspended changed (agent/suspend, agent/resume, an
 * upgrade suspending or resuming it), once per process per event-loop turn, with its info as
 * the turn left it. A turn that changed more than 100 processes (an upgrade of a module with
 * many) sends `agent/processesChanged` for their modules instead.
 */
export const processChanged = new NotificationType<{ process: ProcessInfo }>('agent/processChanged');
/** Sent by the agent instead of many `agent/processChanged`: read these modules' processes again. */
export const processesChanged = new NotificationType<{ files: string[] }>('agent/processesChanged');
/** Sent by the agent when a supervisor has started (its children started), in the turn after. */
export const supervisorStarted = new NotificationType<{ supervisor: SupervisorInfo }>('agent/supervisorStarted');
/**
 * Sent by the agent when a supervisor's children or options changed: a child started, exited,
 * was restarted, terminated or deleted, or a load changed its specs. At most once per
 * supervisor per event-loop turn, after the process notifications of that turn.
 */
export const supervisorChanged = new NotificationType<{ supervisor: SupervisorInfo }>('agent/supervisorChanged');
/** Sent by the agent when a supervisor exits ('shutdown', or why it gave up), after its children's exits. */
export const supervisorExited = new NotificationType<{ supervisor: SupervisorInfo; reason: string }>(
  'agent/supervisorExited',
);
