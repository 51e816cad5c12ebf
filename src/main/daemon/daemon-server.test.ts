// The daemon's doors (issue 15): the page and its assets open (they hold no secret), the API,
// metrics and socket only with the token in a header or subprotocol, never a cookie, never a
// redirect; a malformed socket message is answered. Real server, real sockets.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, type RawReply } from '../../../test/helpers/raw-request';
import WebSocket from 'ws';
import { CONTRACT_WS_PATH, CONTRACT_WS_PROTOCOL, tokenSubprotocol } from '../../shared/wire';
import type { ContractHandlers } from '../engine/api/contract-dispatcher';
import { EventHub } from '../engine/api/event-hub';
import { startDaemonServer, type DaemonServer } from './daemon-server';

const TOKEN = 'a-token-with/odd+characters=ü';

describe('daemon server authentication', () => {
  let dir: string;
  let server: DaemonServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'daemon-server-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><main id="sign-in">run <code>showrunner url</code></main>');
    await writeFile(join(dir, 'assets', 'app.js'), 'console.log(1)');
    const handlers = { 'services.list': () => [] } as unknown as ContractHandlers;
    const hub = new EventHub(() => handlers);
    server = await startDaemonServer({ hub, call: async () => ({ ok: true, value: [] }) as never, urls: () => ({}), metrics: () => 'up 1\n', token: TOKEN, port: 0, rendererDir: dir });
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const raw = (path: string, headers: Record<string, string> = {}): Promise<RawReply> => rawRequest(server.url, path, { headers });


  it('serves the page and its assets without a token, and never sets a cookie', async () => {
    for (const path of ['/', '/?token=whatever', '/some/deep/link', '/assets/app.js']) {
      const response = await raw(path);
      expect(response.status, path).toBe(200);
      expect(response.headers['set-cookie'], path).toBeUndefined();
      expect(response.headers.location, path).toBeUndefined();
    }
    const page = await raw('/');
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('showrunner url');
  });

  it('redirects nowhere, whatever the path', async () => {
    for (const path of ['/.//evil.com/?token=x', '//evil.com/', '/%2F%2Fevil.com', '/\\evil.com']) {
      const response = await raw(path);
      expect(response.headers.location, path).toBeUndefined();
      expect(response.status, path).toBe(200);
    }
  });

  it('keeps the API and metrics behind the bearer token, answering JSON', async () => {
    for (const path of ['/api/status', '/api', '/metrics', `/api/status?token=${encodeURIComponent(TOKEN)}`]) {
      const response = await raw(path);
      expect(response.status, path).toBe(401);
      expect(response.headers['content-type'], path).toMatch(/^application\/json/);
      expect(JSON.parse(response.body).error.code).toBe('unauthorized');
    }
    // A cookie named as the old one opens nothing.
    expect((await raw('/api/status', { Cookie: `showrunner_token=${encodeURIComponent(TOKEN)}` })).status).toBe(401);
    const metrics = await raw('/metrics', { Authorization: `Bearer ${TOKEN}` });
    expect(metrics).toMatchObject({ status: 200, body: 'up 1\n' });
  });

  it('keeps the Host and Origin checks on every route', async () => {
    expect((await raw('/', { Host: 'evil.example' })).status).toBe(403);
    expect((await raw('/api/status', { Authorization: `Bearer ${TOKEN}`, Origin: 'http://evil.example' })).status).toBe(403);
  });

  function openSocket(options: { protocols?: string[]; headers?: Record<string, string>; query?: string }): Promise<{ socket: WebSocket | null; outcome: string }> {
    return new Promise((resolve) => {
      const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws${options.query ?? ''}`, options.protocols ?? [], { headers: options.headers });
      socket.once('open', () => resolve({ socket, outcome: `open ${socket.protocol}` }));
      socket.once('unexpected-response', (_request, response) => resolve({ socket: null, outcome: String(response.statusCode) }));
      socket.once('error', (error) => resolve({ socket: null, outcome: `error ${error.message}` }));
    });
  }

  it('opens the socket with the token as a subprotocol (answering only the plain one) or a Bearer header', async () => {
    const page = await openSocket({ protocols: [CONTRACT_WS_PROTOCOL, tokenSubprotocol(TOKEN)], headers: { Origin: server.url } });
    expect(page.outcome).toBe(`open ${CONTRACT_WS_PROTOCOL}`);
    page.socket?.close();
    const tool = await openSocket({ headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(tool.outcome).toBe('open ');
    tool.socket?.close();
    expect((await openSocket({})).outcome).toBe('401');
    expect((await openSocket({ query: `?token=${encodeURIComponent(TOKEN)}` })).outcome).toBe('401');
    expect((await openSocket({ protocols: [CONTRACT_WS_PROTOCOL, tokenSubprotocol('wrong')] })).outcome).toBe('401');
    expect((await openSocket({ protocols: [CONTRACT_WS_PROTOCOL, tokenSubprotocol(TOKEN)], headers: { Origin: 'http://evil.example' } })).outcome).toBe('403');
  });

  it('survives clients that reset the connection while it refuses their upgrade', async () => {
    // The HTTP server hands an upgrading socket over without its error listener: a refusal
    // written to a peer that already reset it must not become an uncaught ECONNRESET.
    const port = Number(new URL(server.url).port);
    for (let round = 0; round < 40; round++) {
      await new Promise<void>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(`GET ${CONTRACT_WS_PATH} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${Buffer.alloc(16, round).toString('base64')}\r\nAuthorization: Bearer wrong\r\n\r\n`);
          setImmediate(() => socket.resetAndDestroy());
        });
        socket.on('error', () => {});
        socket.on('close', () => resolve());
      });
    }
    expect((await raw('/health')).status).toBe(200);
  });

  it('answers a malformed message with an error, by id when it has one', async () => {
    const { socket } = await openSocket({ headers: { Authorization: `Bearer ${TOKEN}` } });
    const messages: unknown[] = [];
    socket!.on('message', (data) => messages.push(JSON.parse(data.toString())));
    socket!.send('not json');
    socket!.send(JSON.stringify({ type: 'call', id: 7, method: 42 }));
    socket!.send(Buffer.from([1, 2, 3]));
    socket!.send(JSON.stringify({ type: 'call', id: 8, method: 'services.list', args: {} }));
    await new Promise<void>((resolve) => {
      const check = () => (messages.length >= 4 ? resolve() : setTimeout(check, 10));
      check();
    });
    expect(messages[0]).toMatchObject({ type: 'error', error: { code: 'invalid-args', message: 'message is not valid JSON' } });
    expect(messages[1]).toMatchObject({ type: 'reply', id: 7, reply: { ok: false, error: { code: 'invalid-args' } } });
    expect(messages[2]).toMatchObject({ type: 'error', error: { code: 'invalid-args' } });
    expect(messages[3]).toMatchObject({ type: 'reply', id: 8, reply: { ok: true, value: [] } });
    socket!.close();
  });
});
