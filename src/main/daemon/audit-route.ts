// `GET /api/audit?since=&limit=`: the audit's newest entries, oldest first (audit-log.ts).
// `since` is milliseconds since the epoch or an ISO time; `limit` 1..1000, default 100.
import type { AuditLog } from '../attach/audit-log';

export const MAX_AUDIT_LIMIT = 1000;

export function auditResponse(method: string | undefined, url: URL, audit: AuditLog | null): { status: number; body: unknown } {
  if (method !== 'GET') return { status: 405, body: { error: { code: 'not-found', message: 'method not allowed' } } };
  const sinceText = url.searchParams.get('since');
  const limitText = url.searchParams.get('limit');
  let since: number | undefined;
  if (sinceText !== null) {
    since = /^\d+$/.test(sinceText) ? Number(sinceText) : Date.parse(sinceText);
    if (!Number.isFinite(since)) return invalid(`since must be milliseconds since the epoch or an ISO time, not ${JSON.stringify(sinceText.slice(0, 60))}`);
  }
  const limit = limitText === null ? 100 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_LIMIT) return invalid(`limit must be a whole number from 1 to ${MAX_AUDIT_LIMIT}`);
  return { status: 200, body: { entries: audit ? audit.list({ since, limit }) : [] } };
}

function invalid(message: string): { status: number; body: unknown } {
  return { status: 400, body: { error: { code: 'invalid-args', message } } };
}
