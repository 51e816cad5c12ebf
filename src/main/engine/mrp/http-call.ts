// One HTTP request to an MRP runtime over node:http(s), on a keep-alive agent shared by every
// client of this process. Why not fetch: undici's fetch costs 0.8–1.3 ms of CPU per small
// request (WHATWG streams, its wasm parser) against 0.2–0.5 ms here, and a monitor makes one
// per cell (issue 23: the monitor's CPU per cell is what a busy 2-core machine waits on).
//
// Keep-alive and its one race: the runtime closes an idle connection after its keep-alive
// timeout (Node's server: 5 s). Free sockets are dropped after `IDLE_SOCKET_MS`, before that
// (Node 20's agent honours a shorter `Keep-Alive: timeout=` hint only when a timeout is set),
// and a request whose reused socket was already closed by the server (ECONNRESET or EPIPE
// before any answer, `reusedSocket`) is sent once more on a new connection, as Node's
// documentation advises: the server closed that socket idle, so it never saw the request.
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';

const IDLE_SOCKET_MS = 4000;
const agents = {
  'http:': new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS, scheduling: 'lifo' }),
};

export interface HttpCallOptions {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** Aborts the request or the answer's body; null for no limit. */
  signal?: AbortSignal | null;
}

/** The answer: status, and the body as a Node stream (read it, or it holds the connection). */
export interface HttpAnswer {
  status: number;
  body: IncomingMessage;
}

export async function httpCall(url: string, options: HttpCallOptions): Promise<HttpAnswer> {
  try {
    return await send(new URL(url), options);
  } catch (error) {
    if (!(error instanceof StaleSocketError)) throw error;
    return send(new URL(url), options);
  }
}

/** A reused keep-alive socket the server had already closed: the request never reached it. */
class StaleSocketError extends Error {}

function send(url: URL, { method, headers, body, signal }: HttpCallOptions): Promise<HttpAnswer> {
  const agent = agents[url.protocol as keyof typeof agents];
  if (!agent) return Promise.reject(new TypeError(`not an http(s) URL: ${url.href}`));
  const transport = url.protocol === 'https:' ? https : http;
  const allHeaders = body === undefined ? headers : { ...headers, 'Content-Length': String(Buffer.byteLength(body)) };
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const request = transport.request(url, { method, headers: allHeaders, agent, signal: signal ?? undefined });
    let answered = false;
    request.once('response', (response) => {
      answered = true;
      resolve({ status: response.statusCode ?? 0, body: response });
    });
    request.once('error', (error: NodeJS.ErrnoException) => {
      if (answered) return;
      if (signal?.aborted) return reject(signal.reason);
      const stale = request.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
      reject(stale ? new StaleSocketError(error.message, { cause: error }) : error);
    });
    request.end(body);
  });
}

/** The whole body as text (UTF-8). */
export async function readText(body: IncomingMessage): Promise<string> {
  body.setEncoding('utf8');
  let text = '';
  for await (const chunk of body) text += chunk as string;
  return text;
}
