import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { waitFor } from '../../../../test/helpers/wait-for';
import { startSyncServer, type SyncServer, type SyncServerOptions } from './sync-server';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDocs(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sync-test-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function startServer(options: SyncServerOptions): Promise<SyncServer> {
  const server = await startSyncServer({ port: 0, saveDebounceMs: 20, ...options });
  cleanups.push(() => server.close());
  return server;
}

interface Client {
  doc: Y.Doc;
  text: Y.Text;
  provider: WebsocketProvider;
}

async function connect(url: string, room: string, params: Record<string, string> = {}, doc = new Y.Doc()): Promise<Client> {
  const provider = new WebsocketProvider(url, room, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    params,
  });
  cleanups.push(() => {
    provider.destroy();
    doc.destroy();
  });
  await waitFor(() => provider.synced, (synced) => synced, { what: `client of ${room} synced` });
  return { doc, text: doc.getText('content'), provider };
}

/** Resolves with the HTTP status that refused the upgrade, or 101 when the socket opened. */
function upgradeStatus(url: string, options: WebSocket.ClientOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.on('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

function rawUpgradeStatus(port: number, requestPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let response = '';
    socket.on('data', (chunk) => {
      response += chunk.toString('latin1');
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(response)?.[1] ?? 0)));
    socket.write(
      `GET ${requestPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
  });
}

function readText(file: string): string | null {
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

describe('startSyncServer', () => {
  it('writes what a y-websocket client types into <docs>/<name>.md', async () => {
    const docs = tempDocs();
    const server = await startServer({ docsDir: docs });
    const client = await connect(server.url, 'notes');
    client.text.insert(0, '# Hello\n\nworld\n');
    await waitFor(() => readText(path.join(docs, 'notes.md')), (text) => text === '# Hello\n\nworld\n', { what: 'notes.md written' });
  });

  it('loads an existing markdown file into Y.Text content when a document is first opened', async () => {
    const docs = tempDocs();
    writeFileSync(path.join(docs, 'readme.md'), 'from disk\n');
    const server = await startServer({ docsDir: docs });
    const client = await connect(server.url, 'readme');
    expect(client.text.toString()).toBe('from disk\n');
  });

  it('does not double .md and keeps subfolders', async () => {
    const docs = tempDocs();
    const server = await startServer({ docsDir: docs });
    const a = await connect(server.url, 'page.md');
    const b = await connect(server.url, 'journal/2024/jan');
    a.text.insert(0, 'page');
    b.text.insert(0, 'jan');
    await waitFor(() => readText(path.join(docs, 'page.md')), (text) => text === 'page', { what: 'page.md' });
    await waitFor(() => readText(path.join(docs, 'journal/2024/jan.md')), (text) => text === 'jan', { what: 'jan.md' });
    expect(existsSync(path.join(docs, 'page.md.md'))).toBe(false);
  });

  it('reloads the document after a restart', async () => {
    const docs = tempDocs();
    const first = await startServer({ docsDir: docs });
    const writer = await connect(first.url, 'restart');
    writer.text.insert(0, 'survives restarts');
    await waitFor(() => readText(path.join(docs, 'restart.md')), (text) => text === 'survives restarts', { what: 'saved' });
    writer.provider.destroy();
    await first.close();

    const second = await startServer({ docsDir: docs });
    const reader = await connect(second.url, 'restart');
    expect(reader.text.toString()).toBe('survives restarts');
  });

  it('does not double the text when an open editor reconnects to a restarted server', async () => {
    const docs = tempDocs();
    const first = await startServer({ docsDir: docs });
    const editor = await connect(first.url, 'stay');
    editor.text.insert(0, 'one copy only');
    await waitFor(() => readText(path.join(docs, 'stay.md')), (text) => text === 'one copy only', { what: 'saved' });
    await first.close();
    await waitFor(() => editor.provider.wsconnected, (connected) => !connected, { what: 'editor disconnected' });

    const second = await startServer({ docsDir: docs, port: first.port });
    await waitFor(() => editor.provider.synced && editor.provider.wsconnected, Boolean, { what: 'editor reconnected', timeoutMs: 8000 });
    const reader = await connect(second.url, 'stay');
    expect(reader.text.toString()).toBe('one copy only');
    expect(editor.text.toString()).toBe('one copy only');
  });

  it('applies an outside edit of the markdown file when the document is opened again', async () => {
    const docs = tempDocs();
    const server = await startServer({ docsDir: docs });
    const first = await connect(server.url, 'outside');
    first.text.insert(0, 'old text');
    await waitFor(() => readText(path.join(docs, 'outside.md')), (text) => text === 'old text', { what: 'saved' });
    first.provider.destroy();
    await waitFor(() => existsSync(path.join(docs, '.showrunner-sync', 'outside.md.yjs')), Boolean, { what: 'snapshot' });
    writeFileSync(path.join(docs, 'outside.md'), 'new text from an editor');
    // The server drops a document once its last client has gone and it is saved.
    const again = await waitFor(
      async () => {
        const client = await connect(server.url, 'outside');
        const text = client.text.toString();
        client.provider.destroy();
        return text;
      },
      (text) => text === 'new text from an editor',
      { what: 'reloaded text' },
    );
    expect(again).toBe('new text from an editor');
  });

  it('makes two clients converge on concurrent edits', async () => {
    const docs = tempDocs();
    const server = await startServer({ docsDir: docs });
    const a = await connect(server.url, 'shared');
    const b = await connect(server.url, 'shared');
    a.text.insert(0, 'from a. ');
    b.text.insert(0, 'from b. ');
    await waitFor(
      () => [a.text.toString(), b.text.toString()],
      ([ta, tb]) => ta === tb && ta.includes('from a. ') && ta.includes('from b. '),
      { what: 'converged texts' },
    );
    const executions = a.doc.getMap('executions');
    executions.set('exec-1', { status: 'requested' });
    await waitFor(() => b.doc.getMap('executions').get('exec-1'), (entry) => entry !== undefined, { what: 'map synced' });
  });

  it('relays awareness between clients and removes a client that leaves', async () => {
    const docs = tempDocs();
    const server = await startServer({ docsDir: docs });
    const monitor = await connect(server.url, 'aware');
    const editor = await connect(server.url, 'aware');
    monitor.provider.awareness.setLocalStateField('user', { name: 'mrmd-monitor', type: 'monitor' });
    const monitorId = monitor.doc.clientID;
    await waitFor(
      () => editor.provider.awareness.getStates().get(monitorId),
      (state) => (state as { user?: { type?: string } } | undefined)?.user?.type === 'monitor',
      { what: 'monitor presence seen by the editor' },
    );
    monitor.provider.destroy();
    await waitFor(() => editor.provider.awareness.getStates().has(monitorId), (has) => !has, { what: 'presence removed' });
  });

  it('relays an awareness update to the other clients but not back to its sender', async () => {
    const docs = tempDocs();
    const server = await startServer({ docsDir: docs });
    const other = await connect(server.url, 'echo');
    // A raw client, to see every message the server sends it, in order: the client ids of each
    // awareness message, and whether a sync step 2 came.
    const ws = new WebSocket(`${server.url}/echo`);
    cleanups.push(() => ws.terminate());
    const awarenessOf: number[][] = [];
    let step2 = false;
    ws.on('message', (data: Buffer) => {
      const decoder = decoding.createDecoder(new Uint8Array(data));
      const kind = decoding.readVarUint(decoder);
      if (kind === 0) step2 ||= decoding.readVarUint(decoder) === 1;
      if (kind !== 1) return;
      const update = decoding.createDecoder(decoding.readVarUint8Array(decoder));
      const clients: number[] = [];
      for (let count = decoding.readVarUint(update); count > 0; count--) {
        clients.push(decoding.readVarUint(update));
        decoding.readVarUint(update);
        decoding.readVarString(update);
      }
      awarenessOf.push(clients);
    });
    await new Promise((resolve) => ws.once('open', resolve));
    const peer = new awarenessProtocol.Awareness(new Y.Doc());
    cleanups.push(() => peer.destroy());
    peer.setLocalStateField('user', { name: 'raw', type: 'monitor' });
    const update = encoding.createEncoder();
    encoding.writeVarUint(update, 1);
    encoding.writeVarUint8Array(update, awarenessProtocol.encodeAwarenessUpdate(peer, [peer.clientID]));
    ws.send(encoding.toUint8Array(update));
    // Then a sync step 1: its answer (step 2) comes on this socket after any echo of the update.
    const step1 = encoding.createEncoder();
    encoding.writeVarUint(step1, 0);
    syncProtocol.writeSyncStep1(step1, new Y.Doc());
    ws.send(encoding.toUint8Array(step1));
    await waitFor(() => other.provider.awareness.getStates().has(peer.clientID), Boolean, { what: 'the other client sees the raw one' });
    await waitFor(() => step2, Boolean, { what: 'the answer to sync step 1' });
    expect(awarenessOf.filter((clients) => clients.includes(peer.clientID))).toEqual([]);
  });

  it('refuses a foreign Origin on WebSocket upgrades and HTTP requests, and allows listed ones', async () => {
    const docs = tempDocs();
    const server = await startServer({ docsDir: docs, allowedOrigins: ['http://127.0.0.1:8080'] });
    expect(await upgradeStatus(`${server.url}/doc`, { origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(`${server.url}/doc`, { origin: 'http://127.0.0.1:8080' })).toBe(101);
    expect(await upgradeStatus(`${server.url}/doc`)).toBe(101);
    const httpUrl = server.url.replace('ws://', 'http://');
    const foreign = await fetch(`${httpUrl}/health`, { headers: { origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
    const health = await fetch(`${httpUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'healthy' });
  });

  it('refuses a Host header that is not a loopback name on a loopback bind', async () => {
    const docs = tempDocs();
    const server = await startServer({ docsDir: docs });
    expect(await upgradeStatus(`${server.url}/doc`, { headers: { host: `rebound.example:${server.port}` } })).toBe(403);
  });

  it('requires a token when bound beyond loopback', async () => {
    const docs = tempDocs();
    await expect(startSyncServer({ host: '0.0.0.0', port: 0, docsDir: docs })).rejects.toThrow(/token/);
    const server = await startServer({ host: '0.0.0.0', docsDir: docs, token: 's3cret' });
    expect(server.url).toBe(`ws://127.0.0.1:${server.port}`);
    expect(await upgradeStatus(`${server.url}/doc`)).toBe(401);
    expect(await upgradeStatus(`${server.url}/doc?token=wrong`)).toBe(401);
    expect(await upgradeStatus(`${server.url}/doc?token=s3cret`)).toBe(101);
    expect(await upgradeStatus(`${server.url}/doc`, { headers: { authorization: 'Bearer s3cret' } })).toBe(101);
    const client = await connect(server.url, 'tokened', { token: 's3cret' });
    client.text.insert(0, 'ok');
    await waitFor(() => readText(path.join(docs, 'tokened.md')), (text) => text === 'ok', { what: 'saved' });
    const health = await fetch(`http://127.0.0.1:${server.port}/health`);
    expect(health.status).toBe(200);
  });

  it('refuses document names that leave the docs folder', async () => {
    const docs = tempDocs();
    const server = await startServer({ docsDir: docs });
    expect(await upgradeStatus(`${server.url}/..%2F..%2Fetc%2Fpasswd`)).toBe(400);
    // Sent raw: a WebSocket client would normalize the dots away before sending.
    expect(await rawUpgradeStatus(server.port, '/a/../../escape')).toBe(400);
    expect(await rawUpgradeStatus(server.port, '/a/%2e%2e/%2e%2e/escape')).toBe(400);
    expect(await upgradeStatus(`${server.url}/%2Fetc%2Fpasswd`)).toBe(400);
    expect(await upgradeStatus(`${server.url}/.showrunner-sync/x`)).toBe(400);
    expect(await upgradeStatus(`${server.url}/`)).toBe(400);
  });

  it('fails only the client of a document whose file cannot be read', async () => {
    const docs = tempDocs();
    mkdirSync(path.join(docs, 'broken.md'));
    const server = await startServer({ docsDir: docs });
    const code = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${server.url}/broken`);
      ws.on('close', (closeCode) => resolve(closeCode));
    });
    expect(code).toBe(1011);
    const healthy = await connect(server.url, 'fine');
    healthy.text.insert(0, 'still serving');
    await waitFor(() => readText(path.join(docs, 'fine.md')), (text) => text === 'still serving', { what: 'other doc saved' });
  });

  it('writes pending edits when closed before the debounce fires', async () => {
    const docs = tempDocs();
    const server = await startSyncServer({ port: 0, docsDir: docs, saveDebounceMs: 60_000, saveMaxWaitMs: 60_000 });
    cleanups.push(() => server.close());
    const client = await connect(server.url, 'flush');
    client.text.insert(0, 'flushed on close');
    // The edit must have reached the server before closing: a second client sees it.
    const witness = await connect(server.url, 'flush');
    await waitFor(() => witness.text.toString(), (text) => text === 'flushed on close', { what: 'edit on the server' });
    await server.close();
    expect(readText(path.join(docs, 'flush.md'))).toBe('flushed on close');
  });

  it('closes a socket that stops answering pings', async () => {
    const docs = tempDocs();
    const server = await startServer({ docsDir: docs, pingIntervalMs: 50 });
    // A raw socket that completes the upgrade and then never answers a ping.
    const socket = net.connect(server.port, '127.0.0.1');
    cleanups.push(() => socket.destroy());
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    let response = '';
    socket.on('data', (chunk) => {
      response += chunk.toString('latin1');
    });
    socket.write(
      'GET /dead HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    await closed;
    expect(response.startsWith('HTTP/1.1 101')).toBe(true);
  });
});
