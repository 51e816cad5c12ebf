import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/helpers/wait-for';
import { httpCall, readText } from './http-call';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A raw TCP server speaking just enough HTTP/1.1: `answer(requestIndex, connectionIndex)`
 * returns a body to send (keep-alive), 'reset' to reset the connection unanswered, or 'hang'.
 */
async function rawServer(answer: (request: number, connection: number) => string | 'reset' | 'hang'): Promise<{ url: string; connections: () => number; requests: () => number }> {
  let connections = 0;
  let requests = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    const connection = connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let pending = '';
    socket.on('data', (chunk) => {
      pending += chunk.toString('latin1');
      for (;;) {
        const headEnd = pending.indexOf('\r\n\r\n');
        if (headEnd === -1) return;
        const length = Number(/content-length: (\d+)/i.exec(pending.slice(0, headEnd))?.[1] ?? 0);
        if (pending.length < headEnd + 4 + length) return;
        pending = pending.slice(headEnd + 4 + length);
        const body = answer(requests++, connection);
        if (body === 'hang') return;
        if (body === 'reset') {
          socket.resetAndDestroy();
          return;
        }
        socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: keep-alive\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mrp/v1/health`, connections: () => connections, requests: () => requests };
}

const post = (url: string, signal?: AbortSignal) => httpCall(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"x":1}', signal });

describe('httpCall', () => {
  it('sends one request after another over one kept-alive connection', async () => {
    const server = await rawServer((request) => `{"n":${request}}`);
    for (let index = 0; index < 3; index++) {
      const answer = await post(server.url);
      expect(answer.status).toBe(200);
      expect(JSON.parse(await readText(answer.body))).toEqual({ n: index });
    }
    expect(server.connections()).toBe(1);
  });

  it('sends a request again on a new connection when the kept-alive one was closed under it', async () => {
    // The second request lands on the reused socket and is reset unanswered, as when the
    // server closed it idle just as we wrote; the retry goes on a new connection.
    const server = await rawServer((request) => (request === 1 ? 'reset' : `{"n":${request}}`));
    await readText((await post(server.url)).body);
    const answer = await post(server.url);
    expect(JSON.parse(await readText(answer.body))).toEqual({ n: 2 });
    expect(server.connections()).toBe(2);
    expect(server.requests()).toBe(3);
  });

  it('does not send again when a new connection is reset', async () => {
    const server = await rawServer(() => 'reset');
    await expect(post(server.url)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(server.requests()).toBe(1);
  });

  it('rejects with the signal’s reason when aborted, before or while waiting for the answer', async () => {
    const server = await rawServer(() => 'hang');
    const early = new AbortController();
    early.abort(new Error('stop now'));
    await expect(post(server.url, early.signal)).rejects.toThrow('stop now');
    expect(server.requests()).toBe(0);
    const late = new AbortController();
    const call = post(server.url, late.signal);
    // Aborted once the server has the request, so the wait is for the answer.
    await waitFor(server.requests, (count) => count === 1, { what: 'the request at the server' });
    late.abort(new Error('stop later'));
    await expect(call).rejects.toThrow('stop later');
  });
});
