// Messages on the daemon's WebSocket. The client calls methods by name with an id; the server
// answers each call with the same reply envelope the Electron bridge uses, and pushes events.
import { z } from 'zod';
import { ErrorInfo } from './contract';

export const ClientMessage = z.object({
  type: z.literal('call'),
  id: z.number().int().nonnegative(),
  method: z.string().max(128),
  args: z.unknown(),
});
export type ClientMessage = z.infer<typeof ClientMessage>;

export const ServerMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('reply'),
    id: z.number().int(),
    reply: z.union([z.object({ ok: z.literal(true), value: z.unknown() }), z.object({ ok: z.literal(false), error: ErrorInfo })]),
  }),
  z.object({ type: z.literal('event'), name: z.string(), seq: z.number().int(), payload: z.unknown() }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

/** The WebSocket path the daemon serves the contract on. */
export const CONTRACT_WS_PATH = '/ws';

/** A message the server could not read as a call and could not answer by id (no id in it). */
export const ServerErrorMessage = z.object({ type: z.literal('error'), error: ErrorInfo });
export type ServerErrorMessage = z.infer<typeof ServerErrorMessage>;

/**
 * Browsers cannot set headers on a WebSocket, so the page offers two subprotocols: this one,
 * which the server selects, and `showrunner.bearer.<base64url of the token>`, which carries
 * the token (Node clients may send `Authorization: Bearer` instead).
 */
export const CONTRACT_WS_PROTOCOL = 'showrunner.v1';
export const TOKEN_PROTOCOL_PREFIX = 'showrunner.bearer.';

export function tokenSubprotocol(token: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(token)) binary += String.fromCharCode(byte);
  return TOKEN_PROTOCOL_PREFIX + btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
