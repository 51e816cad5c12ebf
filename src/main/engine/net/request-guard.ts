// The one gate in front of the built-in sync server and MRP runtime (issue 8). Both run code or
// write files for whoever reaches them, so:
// - a request carrying an `Origin` that is not allow-listed is refused: a web page (a kiosk
//   browser, a rebinding attack) always sends one, local tools such as mrmd-monitor send none;
// - on a loopback bind the `Host` must be a loopback name too, which stops DNS rebinding even
//   for the GETs a browser sends without an Origin;
// - a token, when set, must come as `Authorization: Bearer T` or `?token=T`; a bind beyond
//   loopback without a token is refused at start (see `assertTokenForHost`).
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isLoopbackHost } from './loopback-host';

export interface RequestGuardOptions {
  host: string;
  token?: string;
  allowedOrigins?: string[];
}

export type GuardVerdict = { ok: true } | { ok: false; status: 401 | 403; reason: string };


/** Throws when `host` reaches beyond this machine and no token protects it. */
export function assertTokenForHost(host: string, token: string | undefined): void {
  if (!isLoopbackHost(host) && !token) {
    throw new Error(`binding ${host} reaches beyond this machine: a token is required`);
  }
}

export class RequestGuard {
  private readonly loopbackOnly: boolean;
  private readonly token: string | undefined;
  private readonly allowedOrigins: Set<string>;

  constructor({ host, token, allowedOrigins = [] }: RequestGuardOptions) {
    assertTokenForHost(host, token);
    this.loopbackOnly = isLoopbackHost(host);
    this.token = token || undefined;
    this.allowedOrigins = new Set(allowedOrigins.map(normalizeOrigin));
  }

  /** `needsToken: false` for health checks, which supervisors probe without credentials. */
  check(request: IncomingMessage, { needsToken = true }: { needsToken?: boolean } = {}): GuardVerdict {
    const origin = request.headers.origin;
    if (origin !== undefined && !this.allowedOrigins.has(normalizeOrigin(origin))) {
      return { ok: false, status: 403, reason: `origin ${origin} is not allowed` };
    }
    if (this.loopbackOnly) {
      const hostHeader = request.headers.host;
      if (hostHeader !== undefined && !isLoopbackHost(hostName(hostHeader))) {
        return { ok: false, status: 403, reason: `host ${hostHeader} is not a loopback name` };
      }
    }
    if (needsToken && this.token !== undefined && !tokensMatch(this.token, tokenFromRequest(request))) {
      return { ok: false, status: 401, reason: 'missing or wrong token' };
    }
    return { ok: true };
  }

  /** True when the request comes from an allow-listed page (it carries one of our Origins). */
  originAllowed(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    return origin !== undefined && this.allowedOrigins.has(normalizeOrigin(origin));
  }

  /** CORS headers for an allow-listed Origin, so a page we trust may call us; none otherwise. */
  corsHeaders(request: IncomingMessage): Record<string, string> {
    const origin = request.headers.origin;
    if (origin === undefined || !this.allowedOrigins.has(normalizeOrigin(origin))) return {};
    return {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
      'Access-Control-Allow-Headers': 'Content-Type, Authorization',
      Vary: 'Origin',
    };
  }
}

function tokenFromRequest(request: IncomingMessage): string | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  try {
    return new URL(request.url ?? '/', 'http://x').searchParams.get('token');
  } catch {
    return null;
  }
}

function tokensMatch(expected: string, given: string | null): boolean {
  if (given === null) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function normalizeOrigin(origin: string): string {
  return origin.trim().replace(/\/+$/, '').toLowerCase();
}

function hostName(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  const colon = hostHeader.lastIndexOf(':');
  return colon === -1 ? hostHeader : hostHeader.slice(0, colon);
}
