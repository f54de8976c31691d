import type { LogEvent } from './store';

export function formatEvent(event: LogEvent): string {
  return `[${event.kind}] ${event.message}`;
}
