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
