// The headless shell: one HTTP server that serves the built renderer, the REST routes and the
// contract over WebSocket; the API and the socket behind one token, the page (which holds no
// secret) open (ARCHITECTURE.md §8). Loopback by default; a browser page from another origin
// can neither read the API nor open the socket.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientSession, EventHub } from '../engine/api/event-hub';
import { handleRestRequest, type ContractCaller } from '../engine/api/rest-routes';
import { ZodError } from 'zod';
import { ClientMessage, CONTRACT_WS_PATH, CONTRACT_WS_PROTOCOL, type ServerErrorMessage, type ServerMessage } from '../../shared/wire';
import { serveStaticFile } from './static-files';
import { partOrigins, serveEditorRoute } from './editor-route';
import { tokenFromRequest } from './token-auth';
import { AccessGate, restRequestReads, type Caller } from './access-gate';
import type { AuditLog } from '../attach/audit-log';
import { auditResponse } from './audit-route';
import { isLoopbackHost } from '../engine/net/loopback-host';
import { listen } from '../engine/net/listen';
import { openApiDocument } from '../engine/api/openapi-document';
import { API_DOCS_CSP, apiDocsPage } from './api-docs-page';
import { EventStream } from './event-stream';

export interface DaemonServerOptions {
  hub: EventHub;
  call: ContractCaller;
  urls: () => Record<string, unknown>;
  /** Prometheus text for `GET /metrics`. */
  metrics: () => string;
  token: string;
  /** A second, read-only token (issue 18); null: no viewer. */
  viewerToken?: string | null;
  /** Where changes and refusals are recorded; null: not recorded. */
  audit?: AuditLog | null;
  /** Serve HTTPS (and wss) with this certificate and key, PEM. */
  tls?: { cert: string; key: string } | null;
  host?: string;
  port?: number;
  /** The built renderer (out/renderer); null serves no page. */
  rendererDir: string | null;
  /** The fetched mrmd editor bundle (`mrmd` only); null: /editor/ says no editor is served here. */
  editorDir?: string | null;
  /** Extra Origins allowed to open the WebSocket, besides the daemon's own. */
  allowedOrigins?: string[];
  log?: (line: string) => void;
  /** Largest JSON body accepted on the REST routes. */
  maxBodyBytes?: number;
}

export interface DaemonServer {
  url: string;
  port: number;
  host: string;
  /** The Origins of pages this server serves (each loopback name on a loopback bind). */
  origins: string[];
  close(): Promise<void>;
}

const MAX_WS_MESSAGE_BYTES = 1024 * 1024;
/**
 * A client this far behind gets no more log chunks until it is back under LOG_RESUME_BYTES:
 * its follow pauses on the log fan-out and resumes from its cursors, so nothing is buffered
 * for it and the next chunk says what the ring evicted meanwhile (`dropped`). Small, because
 * every byte queued ahead of a quiet service's line on this socket delays it.
 */
const LOG_BACKLOG_BYTES = 512 * 1024;
const LOG_RESUME_BYTES = 64 * 1024;
/** A client this far behind is cut off; it reconnects and starts from a fresh snapshot. */
const MAX_BACKLOG_BYTES = 64 * 1024 * 1024;

export async function startDaemonServer(options: DaemonServerOptions): Promise<DaemonServer> {
  const { hub, call, token, viewerToken = null, audit = null, tls = null, host = '127.0.0.1', port = 7420, rendererDir, log = () => {}, maxBodyBytes = 1024 * 1024 } = options;
  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_WS_MESSAGE_BYTES,
    // Answer the page's protocol, never echo the one that carries its token.
    handleProtocols: (offered) => (offered.has(CONTRACT_WS_PROTOCOL) ? CONTRACT_WS_PROTOCOL : false),
  });
  const extraOrigins = new Set(options.allowedOrigins ?? []);
  const eventStream = new EventStream(hub);
  const gate = new AccessGate({ operator: token, viewer: viewerToken }, audit);
  const scheme = tls ? 'https' : 'http';
  let hosts = new Set<string>();
  let anyHost = false;

  const onRequest = (request: IncomingMessage, response: ServerResponse): void => {
    handleHttp(request, response).catch((error: unknown) => {
      log(`http ${request.method} ${request.url} failed: ${String(error)}`);
      if (!response.headersSent) sendJson(response, 500, { error: { code: 'internal', message: 'internal error' } });
      else response.destroy();
    });
  };
  const server: Server = tls ? createTlsServer({ cert: tls.cert, key: tls.key }, onRequest) : createServer(onRequest);
  const callerOf = (request: IncomingMessage, role: Caller['role'], transport: Caller['transport']): Caller => ({ role, transport, address: request.socket.remoteAddress ?? 'unknown' });

  async function handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://daemon.invalid');
    if (request.method === 'GET' && url.pathname === '/health') return sendJson(response, 200, { status: 'healthy' });
    // A page on another site may not drive the API, and a rebound DNS name may not reach it at all.
    if (!hostAllowed(request)) return sendJson(response, 403, { error: { code: 'unauthorized', message: 'unexpected Host header' } });
    if (!originAllowed(request)) {
      return sendJson(response, 403, { error: { code: 'unauthorized', message: 'origin not allowed' } });
    }
    // The API's description holds no secret: tools and the docs page read it without a token.
    if (url.pathname === '/api/openapi.json' || url.pathname === '/api/docs') {
      if (request.method !== 'GET' && request.method !== 'HEAD') return sendJson(response, 405, { error: { code: 'not-found', message: 'method not allowed' } });
      if (url.pathname === '/api/openapi.json') return sendJson(response, 200, openApiDocument());
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': API_DOCS_CSP, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
      response.end(apiDocsPage(openApiDocument()));
      return;
    }
    const isApi = url.pathname === '/api' || url.pathname.startsWith('/api/') || url.pathname === '/metrics';
    if (isApi) {
      const role = gate.roleOf(tokenFromRequest(request));
      if (role === null) {
        return sendJson(response, 401, { error: { code: 'unauthorized', message: 'a valid token is required (Authorization: Bearer TOKEN; `showrunner url` prints it)' } });
      }
      if (url.pathname === '/metrics') {
        if (request.method !== 'GET') return sendJson(response, 405, { error: { code: 'not-found', message: 'method not allowed' } });
        response.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Cache-Control': 'no-store' });
        response.end(options.metrics());
        return;
      }
      if (url.pathname === '/api/events') {
        if (request.method !== 'GET') return sendJson(response, 405, { error: { code: 'not-found', message: 'method not allowed' } });
        return eventStream.serve(request, response, url);
      }
      // A viewer reads the audit too: it holds no secret (audit-args.ts), and who changed what is part of the view.
      if (url.pathname === '/api/audit') {
        const answer = auditResponse(request.method, url, audit);
        return sendJson(response, answer.status, answer.body);
      }
      return handleApi(request, response, url, callerOf(request, role, 'rest'));
    }
    // The page and its assets hold no secret and load without the token: the page takes it
    // from `?token=`/`#token=` itself, or shows how to get in (`showrunner url`). No redirect.
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendJson(response, 405, { error: { code: 'not-found', message: 'method not allowed' } });
    if (!rendererDir) return sendJson(response, 404, { error: { code: 'not-found', message: 'no panel is served here; the API is under /api' } });
    if (await serveEditorRoute(url, request, response, { editorDir: options.editorDir ?? null, rendererDir, partOrigins: () => partOrigins(options.urls()) })) return;
    await serveStaticFile(rendererDir, url.pathname, request, response, `${tls ? 'wss' : 'ws'}://${request.headers.host}`);
  }

  async function handleApi(request: IncomingMessage, response: ServerResponse, url: URL, caller: Caller): Promise<void> {
    let body: unknown = undefined;
    if (request.method === 'POST' || request.method === 'PUT' || request.method === 'PATCH') {
      const read = await readJsonBody(request, maxBodyBytes);
      if (!read.ok) return sendJson(response, read.status, { error: { code: 'invalid-args', message: read.message } });
      body = read.value;
    }
    let segments: string[];
    try {
      segments = url.pathname.split('/').slice(2).filter(Boolean).map(decodeURIComponent);
    } catch {
      return sendJson(response, 400, { error: { code: 'invalid-args', message: 'malformed path' } });
    }
    if (caller.role === 'viewer' && !restRequestReads(request.method ?? 'GET', segments)) {
      const refused = gate.refuseRoute(caller, `${request.method} ${url.pathname}`.slice(0, 200));
      return sendJson(response, refused.status, refused.body);
    }
    const gated = ((method: string, args: unknown) => gate.call(caller, method, args, call)) as ContractCaller;
    const result = await handleRestRequest({ method: request.method ?? 'GET', segments, query: url.searchParams, body }, { call: gated, urls: options.urls });
    if (result.contentType && typeof result.body === 'string') {
      response.writeHead(result.status, { 'Content-Type': result.contentType, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
      return void response.end(result.body);
    }
    sendJson(response, result.status, result.body);
  }

  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://daemon.invalid');
    // Node hands the upgrading socket over without its error listener: a peer that resets it
    // while we write a refusal would otherwise be an uncaught ECONNRESET that ends the daemon.
    socket.on('error', () => socket.destroy());
    const refuse = (status: number, reason: string) => {
      log(`websocket refused (${reason}) from ${request.socket.remoteAddress}`);
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== CONTRACT_WS_PATH) return refuse(404, 'Not Found');
    if (!hostAllowed(request)) return refuse(403, 'Forbidden');
    // Browsers always send Origin on WebSocket upgrades; tools without one must still hold the token.
    if (!originAllowed(request)) return refuse(403, 'Forbidden');
    const role = gate.roleOf(tokenFromRequest(request));
    if (role === null) return refuse(401, 'Unauthorized');
    const caller = callerOf(request, role, 'websocket');
    sockets.handleUpgrade(request, socket, head, (ws) => attachClient(ws, caller));
  });

  function attachClient(ws: WebSocket, caller: Caller): void {
    let logsPaused = false;
    // Each send's callback runs once its frame reached the OS: the last one finds the backlog
    // gone, so a paused follow always resumes once the client reads again.
    const sent = (): void => {
      if (!logsPaused || ws.readyState !== ws.OPEN || ws.bufferedAmount > LOG_RESUME_BYTES) return;
      logsPaused = false;
      session.resumeLogs();
    };
    const send = (message: ServerMessage | ServerErrorMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message), sent);
    };
    const session: ClientSession = hub.open((name, seq, payload) => {
      // A slow browser must not grow the daemon's memory: its log follow pauses (see
      // LOG_BACKLOG_BYTES), and one that stops reading altogether is dropped.
      if (ws.bufferedAmount > MAX_BACKLOG_BYTES) {
        log('websocket: a client fell too far behind; closing it so it resyncs');
        ws.terminate();
        return false;
      }
      send({ type: 'event', name, seq, payload });
      if (name !== 'log.chunk' || ws.bufferedAmount <= LOG_BACKLOG_BYTES) return true;
      logsPaused = true;
      return false;
    });
    ws.on('message', (raw, isBinary) => {
      if (isBinary) {
        send({ type: 'error', error: { code: 'invalid-args', message: 'binary messages are not calls; send JSON text' } });
        return;
      }
      let message: ClientMessage;
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString());
        message = ClientMessage.parse(parsed);
      } catch (error) {
        // Answer, never go silent: by id when the message has one the client can match.
        const details = error instanceof ZodError ? { issues: error.issues.map((issue) => `${issue.path.join('.') || 'message'}: ${issue.message}`) } : undefined;
        const failure = { code: 'invalid-args' as const, message: parsed === undefined ? 'message is not valid JSON' : 'message is not a call ({type: "call", id, method, args})', details };
        const id = (parsed as { id?: unknown } | null)?.id;
        if (typeof id === 'number' && Number.isInteger(id) && id >= 0) send({ type: 'reply', id, reply: { ok: false, error: failure } });
        else send({ type: 'error', error: failure });
        return;
      }
      gate.call(caller, message.method, message.args, (method, args) => session.call(method, args)).then((reply) => send({ type: 'reply', id: message.id, reply }));
    });
    ws.on('close', () => session.close());
    ws.on('error', () => session.close());
  }

  function hostAllowed(request: IncomingMessage): boolean {
    return anyHost || hosts.has((request.headers.host ?? '').toLowerCase());
  }

  /** Same origin as the address the client used, or explicitly allowed; no Origin = not a browser. */
  function originAllowed(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (origin === undefined) return true;
    return origin === `${scheme}://${request.headers.host}` || extraOrigins.has(origin);
  }

  const bound = await listen(server, port, host);
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const ownNames = isLoopbackHost(host) ? [shownHost, 'localhost', '127.0.0.1', '[::1]'] : [shownHost];
  hosts = new Set(ownNames.map((name) => `${name}:${bound}`.toLowerCase()));
  // Bound to every interface, the Host header is whatever address the client used; the token
  // (required off loopback) and the same-origin rule still hold.
  anyHost = host === '0.0.0.0' || host === '::';
  const url = `${scheme}://${shownHost}:${bound}`;
  const origins = anyHost ? ['127.0.0.1', 'localhost'].map((name) => `${scheme}://${name}:${bound}`) : [...hosts].map((name) => `${scheme}://${name}`);

  let closing: Promise<void> | undefined;
  return {
    url,
    port: bound,
    host,
    origins,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        eventStream.close();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      })),
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  response.end(text);
}

async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<{ ok: true; value: unknown } | { ok: false; status: number; message: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) return { ok: false, status: 413, message: `body larger than ${maxBytes} bytes` };
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch {
    return { ok: false, status: 400, message: 'body is not valid JSON' };
  }
}
