// The desktop app supervising a manifest itself has no daemon and so no access gate between its
// callers (the window over IPC, the tray, the editor window) and the engine: the engine's
// sessions and calls as the app hands them out record every change in the same audit a daemon
// keeps (issue 18), so "who stopped the projector" has an answer whichever shell was used. Only
// calls that change something are recorded (shared/method-access.ts), with the names acted on,
// never a value that may be a secret (audit-args.ts).
import { isMethodName, type Reply } from '../../shared/contract';
import { changesSomething } from '../../shared/method-access';
import type { ClientSession, EventHub } from '../engine/api/event-hub';
import { auditArgs } from './audit-args';
import type { AuditLog } from './audit-log';

export const DESKTOP_ADDRESS = 'desktop app';

/** What the desktop's clients need of an engine's hub: sessions. */
export type SessionSource = Pick<EventHub, 'open'>;

/** Records a desktop call in `audit` when it changes something. */
export function recordDesktopCall(audit: AuditLog, method: string, args: unknown, reply: Reply<unknown>): void {
  if (!isMethodName(method) || !changesSomething(method)) return;
  audit.record({ role: 'operator', transport: 'ipc', address: DESKTOP_ADDRESS, action: method, args: auditArgs(args), result: reply.ok ? 'ok' : 'error', message: reply.ok ? undefined : reply.error.message });
}

/** `hub`, whose every session records its changes in `audit`. */
export function auditedHub(hub: SessionSource, audit: AuditLog): SessionSource {
  return { open: (sink, options) => auditedSession(hub.open(sink, options), audit) };
}

function auditedSession(session: ClientSession, audit: AuditLog): ClientSession {
  return {
    async call(method, args) {
      const reply = await session.call(method, args);
      recordDesktopCall(audit, method, args, reply);
      return reply;
    },
    resumeLogs: () => session.resumeLogs(),
    close: () => session.close(),
  };
}
