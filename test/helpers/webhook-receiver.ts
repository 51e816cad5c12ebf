// A real HTTP receiver for alert and heartbeat tests: records every request (method, path,
// headers, JSON body) with the status it answered. `status` picks that status (500 for a
// receiver in trouble); `stop()`/`start()` take it off the network and back on the same port,
// so a sender sees "connection refused" in between.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  status: number;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>`; stays the same across stop/start. */
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** What requests to `path` were answered with 2xx (the ones a sender counts as delivered). */
  accepted(path?: string): ReceivedRequest[];
  status: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

const open = new Set<Server>();
afterEach(async () => {
  for (const server of open) await new Promise((resolve) => server.close(resolve));
  open.clear();
});

/** `port` 0: a free one. With `listen: false` it knows its port (reserved by a first listen) but refuses connections. */
export async function startWebhookReceiver({ listen = true }: { listen?: boolean } = {}): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  let server: Server | null = null;
  let port = 0;
  const receiver: WebhookReceiver = {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    requests,
    accepted: (path) => requests.filter((request) => request.status >= 200 && request.status < 300 && (path === undefined || request.path === path)),
    status: 200,
    async start() {
      if (server) return;
      const next = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : null;
          } catch {
            // kept as text
          }
          const status = receiver.status;
          requests.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, body, status });
          response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'trouble');
        });
      });
      // Keep-alive sockets would outlive stop() and keep "the receiver" reachable.
      next.keepAliveTimeout = 1;
      await new Promise<void>((resolve, reject) => {
        next.once('error', reject);
        next.listen(port, '127.0.0.1', () => resolve());
      });
      port = (next.address() as AddressInfo).port;
      server = next;
      open.add(next);
    },
    async stop() {
      const current = server;
      if (!current) return;
      server = null;
      open.delete(current);
      current.closeAllConnections();
      await new Promise((resolve) => current.close(resolve));
    },
  };
  await receiver.start();
  if (!listen) await receiver.stop();
  return receiver;
}
