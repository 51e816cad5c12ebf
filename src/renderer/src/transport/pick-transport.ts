// IPC when the desktop app's preload is present, else the daemon's WebSocket with the token
// the page was opened with (ARCHITECTURE.md §1, §8). Without a token, or with one the daemon
// refuses, there is nothing to connect: the page shows how to get in instead.
import { createIpcTransport } from './ipc-transport';
import { forgetPageToken, takePageToken } from './page-token';
import type { Transport } from './transport';
import { createWebSocketTransport } from './websocket-transport';

export type PickedTransport = { ok: true; transport: Transport } | { ok: false; reason: 'no-token' | 'token-refused' };

export async function pickTransport(): Promise<PickedTransport> {
  if (window.showrunner) return { ok: true, transport: createIpcTransport(window.showrunner) };
  const token = takePageToken();
  if (!token) return { ok: false, reason: 'no-token' };
  if (await tokenRefused(token)) {
    forgetPageToken();
    return { ok: false, reason: 'token-refused' };
  }
  return { ok: true, transport: createWebSocketTransport({ token }) };
}

/** A browser hides why a WebSocket failed, so ask once over HTTP. A daemon that is down
 *  refuses nothing: the socket keeps trying, as it does after a restart. */
async function tokenRefused(token: string): Promise<boolean> {
  try {
    const response = await fetch('/api/urls', { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
    return response.status === 401;
  } catch {
    return false;
  }
}
