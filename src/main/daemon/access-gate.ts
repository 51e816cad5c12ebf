// Who may do what on the daemon (issue 18): the operator's token gives full access, a viewer's
// reads only. Every call from a client passes here with who asked, so a viewer's change is
// refused in one place for the REST routes and the WebSocket alike (shared/method-access.ts
// decides what is a change), and every change, done or refused, lands in the audit.
import { errorReply, isMethodName, type Reply } from '../../shared/contract';
import { changesSomething, type Role } from '../../shared/method-access';
import { auditArgs } from '../attach/audit-args';
import type { AuditLog } from '../attach/audit-log';
import { tokensMatch } from './token-auth';

export interface Caller {
  role: Role;
  transport: 'rest' | 'websocket';
  address: string;
}

export type RunCall = (method: string, args: unknown) => Promise<Reply<unknown>>;

export const VIEWER_REFUSAL = 'read-only: the viewer token may not change anything';

export class AccessGate {
  constructor(
    private readonly tokens: { operator: string; viewer: string | null },
    private readonly audit: AuditLog | null,
  ) {}

  get hasViewer(): boolean {
    return this.tokens.viewer !== null;
  }

  /** The role a presented token gives, or null. Both are compared in full, in constant time. */
  roleOf(given: string | null): Role | null {
    const operator = tokensMatch(this.tokens.operator, given);
    const viewer = this.tokens.viewer !== null && tokensMatch(this.tokens.viewer, given);
    return operator ? 'operator' : viewer ? 'viewer' : null;
  }

  /** Runs a call for `caller`: `access.role` answered here, a viewer's change refused. */
  async call(caller: Caller, method: string, args: unknown, run: RunCall): Promise<Reply<unknown>> {
    if (method === 'access.role') return { ok: true, value: { role: caller.role } };
    if (!isMethodName(method) || !changesSomething(method)) return run(method, args);
    if (caller.role === 'viewer') {
      this.audit?.record({ ...caller, action: method, args: auditArgs(args), result: 'denied', message: VIEWER_REFUSAL });
      return errorReply('forbidden', VIEWER_REFUSAL, { method });
    }
    const reply = await run(method, args);
    this.audit?.record({ ...caller, action: method, args: auditArgs(args), result: reply.ok ? 'ok' : 'error', message: reply.ok ? undefined : reply.error.message });
    return reply;
  }

  /** A viewer's request for a REST route that changes something: recorded; the caller answers 403. */
  refuseRoute(caller: Caller, action: string): { status: 403; body: unknown } {
    this.audit?.record({ ...caller, action, result: 'denied', message: VIEWER_REFUSAL });
    return { status: 403, body: { error: { code: 'forbidden', message: VIEWER_REFUSAL } } };
  }
}

/**
 * REST requests a viewer may send on: GETs, and `POST /api/call/<m>`, which the gate then
 * judges by its method (so the refusal is audited under the method's name). Every other route
 * (POST, PATCH, DELETE) changes something.
 */
export function restRequestReads(method: string, segments: string[]): boolean {
  if (method === 'GET' || method === 'HEAD') return true;
  return method === 'POST' && segments.length === 2 && segments[0] === 'call';
}
