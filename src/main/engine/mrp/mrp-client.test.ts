import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MrpClient, MrpConnectionError, MrpHttpError } from './mrp-client';
import type { MrpEvent } from './mrp-events';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real HTTP server answering each request with `answer`; records what it was sent. */
async function scriptedServer(answer: (request: Seen, response: ServerResponse) => void): Promise<{ baseUrl: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const record = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body };
      seen.push(record);
      answer(record, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mrp/v1/`, seen, server };
}

describe('MrpClient', () => {
  it('parses SSE with CRLF lines, chunks split anywhere, comments and multi-line data', async () => {
    const { baseUrl, seen } = await scriptedServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/event-stream' });
      const wire =
        ': keep-alive comment\r\n' +
        'event: start\r\ndata: {"execId":"e1","timestamp":"2026-01-01T00:00:00Z"}\r\n\r\n' +
        'event: stdout\r\ndata: {"content":"héllo\\n","accumulated":"héllo\\n"}\r\n\r\n' +
        'event: stdin_request\r\ndata: {"prompt":"Name: ","password":false,"execId":"e1"}\r\n\r\n' +
        'event: display\ndata: {"data":{"text/html":"<b>x</b>"},\ndata: "metadata":{}}\n\n' +
        'event: result\r\ndata: {"success":true,"stdout":"héllo\\n","result":"42","executionCount":3}\r\n\r\n' +
        'event: something_new\r\ndata: {"x":1}\r\n\r\n' +
        'event: done\r\ndata: {}\r\n\r\n';
      const bytes = Buffer.from(wire);
      // Split inside a CRLF pair and inside the two bytes of "é".
      const cuts = [bytes.indexOf('\r\n') + 1, bytes.indexOf(Buffer.from('é')) + 1, bytes.length - 3];
      let from = 0;
      for (const cut of [...cuts, bytes.length]) {
        response.write(bytes.subarray(from, cut));
        from = cut;
      }
      response.end();
    });
    const client = new MrpClient(baseUrl);
    const events: MrpEvent[] = [];
    for await (const event of client.executeStream({ code: 'print(42)', execId: 'e1' })) events.push(event);

    expect(events.map((event) => event.type)).toEqual(['start', 'stdout', 'stdin_request', 'display', 'result', 'unknown', 'done']);
    expect(events[1]).toEqual({ type: 'stdout', data: { content: 'héllo\n', accumulated: 'héllo\n' } });
    expect(events[2]).toEqual({ type: 'stdin_request', data: { prompt: 'Name: ', password: false, execId: 'e1' } });
    expect(events[3]).toEqual({ type: 'display', data: { data: { 'text/html': '<b>x</b>' }, metadata: {} } });
    expect(events[4]).toMatchObject({ type: 'result', data: { success: true, result: '42', stderr: '', displayData: [], executionCount: 3 } });
    expect(events[5]).toEqual({ type: 'unknown', event: 'something_new', data: { x: 1 } });

    expect(seen[0].method).toBe('POST');
    expect(seen[0].url).toBe('/mrp/v1/execute/stream');
    expect(JSON.parse(seen[0].body)).toEqual({ code: 'print(42)', execId: 'e1', storeHistory: true });
  });

  it('sends snake_case exec_id to input, input/cancel and interrupt, and the token as a bearer header', async () => {
    const { baseUrl, seen } = await scriptedServer((request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      const answers: Record<string, unknown> = {
        '/mrp/v1/input': { accepted: true },
        '/mrp/v1/input/cancel': { cancelled: false, error: 'No pending input request' },
        '/mrp/v1/interrupt': { interrupted: true },
        '/mrp/v1/reset': { success: true },
      };
      response.end(JSON.stringify(answers[request.url] ?? {}));
    });
    const client = new MrpClient(baseUrl, { token: 't0k' });
    expect(await client.input('e7', 'Ada')).toEqual({ accepted: true });
    expect(await client.cancelInput('e7')).toEqual({ cancelled: false, error: 'No pending input request' });
    expect(await client.interrupt()).toEqual({ interrupted: true });
    expect(await client.interrupt('e7')).toEqual({ interrupted: true });
    expect(await client.reset()).toEqual({ success: true });
    expect(seen.map((request) => [request.url, request.body])).toEqual([
      ['/mrp/v1/input', '{"exec_id":"e7","text":"Ada"}'],
      ['/mrp/v1/input/cancel', '{"exec_id":"e7"}'],
      ['/mrp/v1/interrupt', '{}'],
      ['/mrp/v1/interrupt', '{"exec_id":"e7"}'],
      ['/mrp/v1/reset', '{}'],
    ]);
    expect(seen.every((request) => request.headers.authorization === 'Bearer t0k')).toBe(true);
  });

  it('reports a busy runtime as an MrpHttpError that says it is a conflict', async () => {
    const { baseUrl } = await scriptedServer((_request, response) => {
      response.writeHead(409, { 'Content-Type': 'application/json' });
      response.end('{"detail":"busy"}');
    });
    const client = new MrpClient(baseUrl);
    const failure = await (async () => {
      for await (const event of client.executeStream({ code: 'x', execId: 'e2' })) void event;
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MrpHttpError);
    expect((failure as MrpHttpError).status).toBe(409);
    expect((failure as MrpHttpError).isConflict).toBe(true);
    expect((failure as MrpHttpError).body).toBe('{"detail":"busy"}');
  });

  it('reports an unreachable runtime as an MrpConnectionError', async () => {
    const { baseUrl, server } = await scriptedServer(() => {});
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const failure = await new MrpClient(baseUrl).health().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MrpConnectionError);
  });
});
