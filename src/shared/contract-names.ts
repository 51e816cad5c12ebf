// The contract's names without its schemas, so the sandboxed preload can check names without
// bundling zod. contract.ts is typed against these lists: a method or event missing from
// either side is a type error.
export const METHOD_NAMES = [
  'system.subscribe',
  'access.role',
  'services.list',
  'services.start',
  'services.stop',
  'services.restart',
  'services.kill',
  'services.setEnabled',
  'services.startAll',
  'services.stopAll',
  'services.restartAll',
  'services.add',
  'services.update',
  'services.remove',
  'manifest.problems',
  'manifest.reload',
  'logs.tail',
  'logs.lines',
  'logs.follow',
  'logs.filePath',
  'logs.openFile',
  'devices.list',
  'monitors.list',
  'monitors.start',
  'monitors.stop',
  'executions.list',
  'executions.cancel',
  'executions.reply',
  'runs.list',
  'runs.get',
  'runs.rollout',
  'runs.approve',
  'runs.reject',
  'runs.artifact',
] as const;

export const EVENT_NAMES = [
  'service.changed',
  'service.removed',
  'devices.changed',
  'monitor.changed',
  'monitor.removed',
  'execution.changed',
  'manifest.changed',
  'notice',
  'log.chunk',
  'run.changed',
  'alerts.changed',
] as const;

export type MethodName = (typeof METHOD_NAMES)[number];
export type EventName = (typeof EVENT_NAMES)[number];

const methodSet: ReadonlySet<string> = new Set(METHOD_NAMES);
const eventSet: ReadonlySet<string> = new Set(EVENT_NAMES);

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && methodSet.has(name);
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && eventSet.has(name);
}

/** Channel names on the Electron bridge; one per method and per event. */
export const ipcChannel = {
  invoke: (method: MethodName) => `showrunner:call:${method}`,
  event: (event: EventName) => `showrunner:event:${event}`,
} as const;
