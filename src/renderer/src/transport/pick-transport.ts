// IPC when the desktop app's preload is present, else the daemon's WebSocket (ARCHITECTURE.md §1).
import { createIpcTransport } from './ipc-transport';
import type { Transport } from './transport';
import { createWebSocketTransport } from './websocket-transport';

export function pickTransport(): Transport {
  return window.showrunner ? createIpcTransport(window.showrunner) : createWebSocketTransport();
}
