export interface LogEvent {
  id: number;
  kind: string;
  message: string;
  at: number;
}

export const events: LogEvent[] = [];
let counter = 0;

export function record(kind: string, message: string): LogEvent {
  const event: LogEvent = { id: ++counter, kind, message, at: Date.now() };
  events.push(event);
  return event;
}

export function byKind(kind: string): LogEvent[] {
  return events.filter((e) => e.kind === kind);
}

record('system', 'started');
