// The built-in Yjs sync server (issue 8, mrmd-sync compatible): y-websocket clients connect to
// `ws://HOST:PORT/<name>`, the document name being the decoded URL path; `Y.Text('content')`
// lives in `<docsDir>/<name>.md`. Safe by default: loopback bind, Origin allow-list, and a
// token required beyond loopback (request-guard.ts). Dead sockets are found with ping/pong.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { connectHost } from '../net/connect-host';
import { docFilePath } from './doc-file-path';
import { ensureDocsDir, MarkdownPersistence, snapshotFileFor } from './markdown-persistence';
import { RequestGuard } from '../net/request-guard';
import type { PartLog } from '../parts/part-log';
import { SharedDoc } from './shared-doc';
import { listen } from '../net/listen';

export interface SyncServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  docsDir: string;
  token?: string;
  allowedOrigins?: string[];
  log?: PartLog;
  saveDebounceMs?: number;
  saveMaxWaitMs?: number;
  /** A socket that has not answered the previous ping by the next one is closed. */
  pingIntervalMs?: number;
  maxMessageBytes?: number;
}

export interface SyncServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

interface OpenDoc {
  shared: SharedDoc;
  persistence: MarkdownPersistence;
  /** Set while the last client has left and the document is being written and dropped. */
  unloading?: Promise<void>;
}

export async function startSyncServer({
  host = '127.0.0.1',
  port = 4444,
  docsDir,
  token,
  allowedOrigins = [],
  log = () => {},
  saveDebounceMs = 500,
  saveMaxWaitMs = 5000,
  pingIntervalMs = 30_000,
  maxMessageBytes = 16 * 1024 * 1024,
}: SyncServerOptions): Promise<SyncServer> {
  const guard = new RequestGuard({ host, token, allowedOrigins });
  ensureDocsDir(docsDir);
  const docs = new Map<string, OpenDoc>();
  const alive = new WeakMap<WebSocket, boolean>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes });

  const openDoc = (key: string, file: string): OpenDoc => {
    const existing = docs.get(key);
    if (existing) return existing;
    const shared = new SharedDoc(key, log);
    const persistence = new MarkdownPersistence(shared.doc, {
      file,
      snapshotFile: snapshotFileFor(docsDir, key),
      saveDebounceMs,
      saveMaxWaitMs,
      log,
    });
    try {
      persistence.load();
    } catch (error) {
      persistence.dispose();
      shared.destroy();
      throw error;
    }
    const opened: OpenDoc = { shared, persistence };
    docs.set(key, opened);
    log(`opened doc ${key} from ${file}`);
    return opened;
  };

  const unloadDoc = (key: string, opened: OpenDoc): Promise<void> => {
    opened.unloading ??= (async () => {
      await opened.persistence.flush();
      // A client may have joined while the file was written: then the document stays.
      if (opened.shared.clientCount > 0) {
        opened.unloading = undefined;
        return;
      }
      opened.persistence.dispose();
      opened.shared.destroy();
      if (docs.get(key) === opened) docs.delete(key);
      log(`closed doc ${key}`);
    })();
    return opened.unloading;
  };

  const onConnection = (ws: WebSocket, key: string, file: string, peer: string): void => {
    let opened: OpenDoc;
    try {
      opened = openDoc(key, file);
    } catch (error) {
      // An unreadable file fails this client, not the server.
      log(`cannot open doc ${key} from ${file}: ${String(error)}`, 'error');
      ws.close(1011, 'document could not be loaded');
      return;
    }
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
    ws.on('error', (error) => log(`socket error on ${key} from ${peer}: ${error.message}`, 'warn'));
    ws.on('close', () => {
      const last = opened.shared.removeConnection(ws);
      log(`disconnect doc=${key} peer=${peer} clients=${opened.shared.clientCount}`);
      if (last) void unloadDoc(key, opened);
    });
    opened.shared.addConnection(ws);
    log(`connect doc=${key} peer=${peer} clients=${opened.shared.clientCount}`);
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const pathname = pathOf(request);
    const verdict = guard.check(request, { needsToken: pathname !== '/health' });
    if (!verdict.ok) {
      log(`refused ${request.method} ${pathname}: ${verdict.reason}`, 'warn');
      sendJson(response, verdict.status, { error: verdict.reason });
      return;
    }
    if (request.method === 'GET' && pathname === '/health') {
      sendJson(response, 200, { status: 'healthy' }, guard.corsHeaders(request));
      return;
    }
    sendJson(response, 404, { error: 'not found: connect with a WebSocket to /<document>' });
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const peer = `${request.socket.remoteAddress}:${request.socket.remotePort}`;
    const verdict = guard.check(request);
    if (!verdict.ok) {
      log(`refused upgrade from ${peer}: ${verdict.reason}`, 'warn');
      refuseUpgrade(socket, verdict.status, verdict.reason);
      return;
    }
    let name: string;
    try {
      name = decodeURIComponent(pathOf(request).slice(1));
    } catch {
      refuseUpgrade(socket, 400, 'document name is not valid URL encoding');
      return;
    }
    const target = docFilePath(docsDir, name);
    if (!target.ok) {
      log(`refused upgrade from ${peer}: ${target.reason}`, 'warn');
      refuseUpgrade(socket, 400, target.reason);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => onConnection(ws, target.key, target.file, peer));
  });

  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        log('closing a socket that did not answer ping');
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, pingIntervalMs);

  const boundPort = await listen(server, port, host);
  const url = `ws://${connectHost(host)}:${boundPort}`;
  log(`sync server listening on ${url} (docs ${docsDir})`);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      clearInterval(pinger);
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      const sockets = Array.from(wss.clients);
      const socketsClosed = sockets.map((ws) => new Promise<void>((resolve) => ws.once('close', () => resolve())));
      for (const ws of sockets) ws.terminate();
      server.closeAllConnections();
      await Promise.all(socketsClosed);
      await Promise.all(Array.from(docs.entries(), ([key, opened]) => unloadDoc(key, opened)));
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await stopped;
      log('sync server closed');
    })();
    return closing;
  };

  return { url, port: boundPort, close };
}

function pathOf(request: IncomingMessage): string {
  const raw = request.url ?? '/';
  const query = raw.indexOf('?');
  return query === -1 ? raw : raw.slice(0, query);
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const text = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden' }[status] ?? 'Error';
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`);
}
