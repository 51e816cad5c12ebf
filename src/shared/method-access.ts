// Which contract calls change something (issue 18): the one place that decides what a viewer
// may do. A viewer token reads and subscribes; every `change` is refused for it (403 over REST,
// `forbidden` over the WebSocket) and audited for everyone. Typed on MethodName, so a new method
// without a line here is a type error (method-access.test.ts checks it at run time too).
import type { MethodName } from './contract-names';

/** Who holds a token: the operator (full access) or a viewer (read-only). */
export type Role = 'operator' | 'viewer';

export type Access = 'read' | 'change';

export const METHOD_ACCESS: Readonly<Record<MethodName, Access>> = {
  'system.subscribe': 'read',
  'access.role': 'read',
  'services.list': 'read',
  'services.start': 'change',
  'services.stop': 'change',
  'services.restart': 'change',
  'services.kill': 'change',
  'services.setEnabled': 'change',
  'services.startAll': 'change',
  'services.stopAll': 'change',
  'services.restartAll': 'change',
  'services.add': 'change',
  'services.update': 'change',
  'services.remove': 'change',
  'manifest.problems': 'read',
  // Re-reading the manifest applies it: services start, stop and restart.
  'manifest.reload': 'change',
  'logs.tail': 'read',
  'logs.lines': 'read',
  // Which log chunks this client receives: its own subscription, nothing shared.
  'logs.follow': 'read',
  'logs.filePath': 'read',
  // Opens a program on the machine (the desktop app only).
  'logs.openFile': 'change',
  'devices.list': 'read',
  'monitors.list': 'read',
  // A monitor executes the document's code: starting or stopping one changes what runs.
  'monitors.start': 'change',
  'monitors.stop': 'change',
  'executions.list': 'read',
  'executions.cancel': 'change',
  'executions.reply': 'change',
  // Roll-out runs (issue 19): a viewer sees runs, steps and artifacts; starting or deciding one is a change.
  'runs.list': 'read',
  'runs.get': 'read',
  'runs.artifact': 'read',
  'runs.rollout': 'change',
  'runs.approve': 'change',
  'runs.reject': 'change',
};

/** Unknown names count as reads here: the dispatcher answers them `unknown-method`. */
export function changesSomething(method: string): boolean {
  return (METHOD_ACCESS as Record<string, Access | undefined>)[method] === 'change';
}
