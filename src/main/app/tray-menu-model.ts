// The tray menu as data (issue 11): built from the services the engine reports, so the
// electron binding (tray.ts) only maps items to MenuItems and actions to contract calls.
// One submenu per service: GNOME's AppIndicator, Windows and macOS all render submenus, and a
// flat list of "name / Restart" pairs grows twice as long and hides which Restart is whose.
import { plural } from '../../shared/plural';
import type { MethodArgs, MethodName } from '../../shared/contract';
import { describeState, type StateTone } from '../../shared/describe-state';
import type { ServiceSnapshot } from '../../shared/model';
import { stoppedByOperator, summarizeServices } from './tray-icon';

export type TrayAction =
  | { kind: 'restart'; name: string }
  | { kind: 'start'; name: string }
  | { kind: 'stop'; name: string }
  | { kind: 'restart-all' }
  | { kind: 'stop-all' }
  | { kind: 'show-panel' }
  | { kind: 'set-start-at-login'; enabled: boolean }
  | { kind: 'quit' };

export type TrayMenuItem =
  | { type: 'action'; id: string; label: string; action: TrayAction; enabled: boolean }
  | { type: 'checkbox'; id: string; label: string; checked: boolean; action: TrayAction; enabled: boolean }
  /** Text the operator reads but cannot click (a state's reason, a summary). */
  | { type: 'label'; id: string; label: string }
  | { type: 'submenu'; id: string; label: string; tone: StateTone; items: TrayMenuItem[] }
  | { type: 'separator'; id: string };

export interface TrayMenuFlags {
  /** null where start at login cannot be offered (an unpackaged build). */
  startAtLogin: boolean | null;
  /** Once Quit was chosen everything but the progress line is disabled. */
  quitting?: boolean;
  /** Attached to a daemon that supervises this manifest (the desktop app is only a client). */
  attachedTo?: string | null;
  /** Attached, but the daemon cannot be reached right now. */
  disconnected?: boolean;
  now?: number;
}

/** Services in a state from which "Start" is the meaningful action, not "Restart". */
const IDLE_KINDS = new Set(['disabled', 'exited', 'failed', 'completed']);

export function buildTrayMenu(services: readonly ServiceSnapshot[], flags: TrayMenuFlags): TrayMenuItem[] {
  const { quitting = false, disconnected = false, now = Date.now() } = flags;
  const live = !quitting && !disconnected;
  const summary = summarizeServices(services);
  const items: TrayMenuItem[] = [];

  if (quitting) items.push({ type: 'label', id: 'status', label: summary.active > 0 ? `Stopping ${plural(summary.active, 'service')}…` : 'Quitting…' });
  else if (disconnected) items.push({ type: 'label', id: 'status', label: 'Daemon not reachable, reconnecting…' });
  else items.push({ type: 'label', id: 'status', label: summary.headline });
  if (flags.attachedTo) items.push({ type: 'label', id: 'attached', label: `Attached to the daemon at ${flags.attachedTo}` });
  items.push({ type: 'separator', id: 'sep-services' });

  for (const service of services) {
    const described = describeState(service.state, now);
    const health = service.state.kind === 'running' && service.health === 'unhealthy' ? ', unhealthy' : '';
    const sub: TrayMenuItem[] = [];
    if (described.detail) sub.push({ type: 'label', id: `${service.name}:detail`, label: described.detail });
    const idle = IDLE_KINDS.has(service.state.kind);
    sub.push({
      type: 'action',
      id: `${service.name}:primary`,
      label: idle ? 'Start' : 'Restart',
      action: idle ? { kind: 'start', name: service.name } : { kind: 'restart', name: service.name },
      enabled: live,
    });
    if (!idle) sub.push({ type: 'action', id: `${service.name}:stop`, label: 'Stop', action: { kind: 'stop', name: service.name }, enabled: live && service.state.kind !== 'stopping' });
    items.push({
      type: 'submenu',
      id: `service:${service.name}`,
      label: `${escapeMnemonic(service.displayName || service.name)}: ${described.label}${health}`,
      tone: stoppedByOperator(service) ? 'idle' : service.state.kind === 'running' && service.health === 'unhealthy' ? 'bad' : described.tone,
      items: sub,
    });
  }
  if (services.length === 0) items.push({ type: 'label', id: 'no-services', label: 'No services' });

  items.push(
    { type: 'separator', id: 'sep-all' },
    { type: 'action', id: 'restart-all', label: 'Restart all', action: { kind: 'restart-all' }, enabled: live && services.length > 0 },
    { type: 'action', id: 'stop-all', label: 'Stop all', action: { kind: 'stop-all' }, enabled: live && summary.active > 0 },
    { type: 'separator', id: 'sep-app' },
    { type: 'action', id: 'show-panel', label: 'Show panel', action: { kind: 'show-panel' }, enabled: !quitting },
  );
  if (flags.startAtLogin !== null) {
    items.push({
      type: 'checkbox',
      id: 'start-at-login',
      label: 'Start at login',
      checked: flags.startAtLogin,
      action: { kind: 'set-start-at-login', enabled: !flags.startAtLogin },
      enabled: !quitting,
    });
  }
  items.push({ type: 'separator', id: 'sep-quit' }, { type: 'action', id: 'quit', label: 'Quit', action: { kind: 'quit' }, enabled: !quitting });
  return items;
}

/** The contract call behind an action, or null for the ones the shell handles itself. */
export function trayActionCall(action: TrayAction): { method: MethodName; args: MethodArgs<MethodName> } | null {
  switch (action.kind) {
    case 'restart':
      return { method: 'services.restart', args: { name: action.name } };
    case 'start':
      return { method: 'services.start', args: { name: action.name } };
    case 'stop':
      return { method: 'services.stop', args: { name: action.name } };
    case 'restart-all':
      return { method: 'services.restartAll', args: {} };
    case 'stop-all':
      return { method: 'services.stopAll', args: {} };
    default:
      return null;
  }
}

/** Menus on Windows and Linux read `&` as an access-key marker; a name like "Q&A" must show as is. */
export function escapeMnemonic(text: string): string {
  return text.replace(/&/g, '&&');
}

export { plural };
