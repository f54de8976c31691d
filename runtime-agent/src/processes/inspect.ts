/** How processes appear in the protocol. */
import type { CodeServer } from '../code-server/code-server';
import type { ProcessInfo } from '../protocol';
import type { ServerProcess } from './server-process';

export function describeProcess(process: ServerProcess, codeServer: CodeServer): ProcessInfo {
  const file = process.definition.file;
  const module = file === undefined ? undefined : codeServer.find(file);
  const info: ProcessInfo = {
    id: process.id,
    server: process.definition.key,
    status: process.status,
    mailbox: process.mailboxSize,
    runsOldCode: module?.old != null && process.handlerVersion === module.old,
  };
  if (process.status === 'suspended') info.suspendedBy = process.suspendedBy;
  if (process.name !== undefined) info.name = process.name;
  if (file !== undefined) info.file = file;
  const version = process.boundVersion ?? module?.current;
  if (version) {
    info.vsn = version.info.vsn;
    info.seq = version.info.seq;
  }
  if (process.handlerVersion) info.busyMs = Math.round(performance.now() - process.handlerSince);
  return info;
}
