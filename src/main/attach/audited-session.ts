// The desktop app's window calls its local engine over IPC, with no daemon and so no access
// gate in between: this puts those calls in the same audit the daemon keeps (issue 18), so
// "who stopped the projector" has an answer whichever shell was used. Only calls that change
// something are recorded (shared/method-access.ts), with the names acted on, never a value
// that may be a secret (audit-args.ts).
import { isMethodName, type Reply } from '../../shared/contract';
import { changesSomething } from '../../shared/method-access';
import type { ClientSession } from '../engine/api/event-hub';
import { auditArgs } from './audit-args';
import type { AuditLog } from './audit-log';

export const DESKTOP_ADDRESS = 'desktop app';

/** Records a desktop call in `audit` when it changes something. */
export function recordDesktopCall(audit: AuditLog, method: string, args: unknown, reply: Reply<unknown>): void {
  if (!isMethodName(method) || !changesSomething(method)) return;
  audit.record({ role: 'operator', transport: 'ipc', address: DESKTOP_ADDRESS, action: method, args: auditArgs(args), result: reply.ok ? 'ok' : 'error', message: reply.ok ? undefined : reply.error.message });
}

export function auditedSession(session: ClientSession, audit: AuditLog): ClientSession {
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
