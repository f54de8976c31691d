/** The Live Modules tree's tooltips, built when a node is hovered (see live-modules.ts). */
import * as vscode from 'vscode';
import type { ProcessInfo } from 'hotpatch-agent/protocol';
import type { SupervisorSnapshot } from '../engine/supervision-model';
import type { TreeAgent } from '../shared/lsp-extensions';
import { moduleLabel, processStatus, type TreeNode } from './tree-nodes';

export function tooltip(node: TreeNode): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  const line = (label: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '')
      md.appendMarkdown(`${label}: `).appendText(`${value}`).appendMarkdown('  \n');
  };
  switch (node.kind) {
    case 'app': {
      const { agent } = node;
      md.appendMarkdown('**')
        .appendText(agent.info?.appName ?? agent.url)
        .appendMarkdown('**  \n');
      line('State', agent.state);
      line('URL', agent.url);
      line('Found', [agent.discovered && 'discovery folder', agent.explicit && 'settings'].filter(Boolean).join(', '));
      if (agent.info) {
        line('pid', agent.info.pid);
        line('Root', agent.info.root);
        line('Node', agent.info.nodeVersion);
        line('Agent', `${agent.info.agentVersion} (protocol ${agent.info.protocolVersion})`);
        line('Started', agent.info.startedAt);
      }
      line('Connected', agent.connectedAt);
      line('Last error', agent.lastError);
      if (agent.failures > 0) line('Failed attempts', agent.failures);
      line('Hot modules', agent.modules.length);
      line('Processes', agent.processes.length);
      break;
    }
    case 'module': {
      const { module } = node;
      md.appendMarkdown('**').appendText(moduleLabel(node.agent, module.file)).appendMarkdown('**  \n');
      line('File', module.file);
      for (const source of module.sources) line('Source', source);
      line('Format', module.format);
      line('Current', `vsn ${module.current.vsn} (#${module.current.seq}), ${module.current.origin}`);
      if (module.old) line('Old', `vsn ${module.old.vsn} (#${module.old.seq}), ${module.old.origin}`);
      line('Exports', module.exports.join(', '));
      line('Processes', module.processes.length);
      break;
    }
    case 'version': {
      const { version } = node;
      md.appendMarkdown('**').appendText(`${node.which} vsn ${version.vsn}`).appendMarkdown('**  \n');
      line('Load', `#${version.seq}`);
      line('Loaded at', version.loadedAt);
      line('Origin', version.origin);
      line('Code hash', version.hash);
      break;
    }
    case 'process': {
      const { process } = node;
      md.appendMarkdown('**').appendText(process.id).appendMarkdown('**  \n');
      line('Name', process.name);
      line('Server', process.server);
      if (process.file) line('Module', moduleLabel(node.agent, process.file));
      if (process.vsn !== undefined) line('Runs', `vsn ${process.vsn} (#${process.seq ?? '?'})`);
      processLines(process, line, md);
      break;
    }
    case 'supervisor': {
      const { supervisor } = node;
      md.appendMarkdown('**')
        .appendText(supervisor.name ?? supervisor.id)
        .appendMarkdown('**  \n');
      supervisorLines(node.agent, supervisor, line);
      break;
    }
    case 'child': {
      const { child, process, nested, parent } = node;
      md.appendMarkdown('**')
        .appendText(child.id ?? process?.id ?? '(child)')
        .appendMarkdown('**  \n');
      line('Supervisor', parent.name ?? parent.id);
      line('Restart', child.restart);
      line('Type', child.type);
      if (!process) line('Status', child.status);
      if (process) {
        line('Process', process.id);
        line('Name', process.name);
        processLines(process, line, md);
      }
      if (nested) supervisorLines(node.agent, nested, line);
      break;
    }
  }
  return md;
}

type Line = (label: string, value: string | number | undefined) => void;

function processLines(process: ProcessInfo, line: Line, md: vscode.MarkdownString): void {
  line('Status', processStatus(process));
  line('Mailbox', process.mailbox);
  if (process.busyMs !== undefined) line('Busy for', `${process.busyMs} ms`);
  if (process.runsOldCode) md.appendMarkdown('$(warning) A handler started in the old version is still running.');
}

function supervisorLines(agent: TreeAgent, supervisor: SupervisorSnapshot, line: Line): void {
  line('Supervisor', supervisor.id);
  line('Strategy', supervisor.strategy);
  line('Restart intensity', `${supervisor.intensity} in ${supervisor.period} ms`);
  line('Children', supervisor.children.length);
  if (supervisor.file) line('Started by', moduleLabel(agent, supervisor.file));
}
