// The daemon's one secret, accepted only in a header: `Authorization: Bearer T` on HTTP and
// WebSocket requests, or, from a browser (which cannot set WebSocket headers), as the
// `showrunner.bearer.<base64url>` subprotocol (shared/wire.ts). Never a cookie: cookies have
// no port, so one would reach every other server on 127.0.0.1 (issue 15). Never the query: a
// URL ends up in history, logs and Referer headers (ARCHITECTURE.md §8).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TOKEN_PROTOCOL_PREFIX } from '../../shared/wire';

/** Shorter tokens are refused on a bind beyond loopback: guessable over the network. */
export const MIN_REMOTE_TOKEN_LENGTH = 16;

export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

export function tokenFromRequest(request: IncomingMessage): string | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  return tokenFromSubprotocols(request.headers['sec-websocket-protocol']);
}

function tokenFromSubprotocols(header: string | undefined): string | null {
  if (!header) return null;
  for (const protocol of header.split(',')) {
    const value = protocol.trim();
    if (value.startsWith(TOKEN_PROTOCOL_PREFIX)) return Buffer.from(value.slice(TOKEN_PROTOCOL_PREFIX.length), 'base64url').toString('utf8');
  }
  return null;
}

export function tokensMatch(expected: string, given: string | null): boolean {
  if (given === null) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
