import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/helpers/wait-for';
import { startSyncServer, type SyncServer } from '../sync/sync-server';
import { batchSends } from './batched-sends';
import { EditorPeer } from './editor-peer.test-kit';

let dir: string;
let sync: SyncServer;
const cleanups: Array<() => unknown> = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'batched-sends-'));
  sync = await startSyncServer({ port: 0, docsDir: dir, saveDebounceMs: 20 });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await sync.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A real provider with batched sends; `sent` lists the kind of every message it sends (0 sync, 1 awareness). */
async function batchedPeer(): Promise<{ ydoc: Y.Doc; provider: WebsocketProvider; sent: number[]; flush: () => void }> {
  const ydoc = new Y.Doc();
  const provider = new WebsocketProvider(sync.url, 'notebook', ydoc, { WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket, disableBc: true });
  cleanups.push(() => {
    provider.destroy();
    ydoc.destroy();
  });
  const { flush } = batchSends(provider);
  await new Promise<void>((resolve) => (provider.synced ? resolve() : provider.once('sync', () => resolve())));
  const sent: number[] = [];
  const socket = provider.ws!;
  const send = socket.send.bind(socket);
  // Observes what goes on the wire (the real socket still sends it).
  socket.send = (data: Uint8Array) => {
    sent.push(data[0]);
    send(data);
  };
  return { ydoc, provider, sent, flush };
}

async function otherPeer(): Promise<EditorPeer> {
  const peer = await EditorPeer.connect(sync.url, 'notebook');
  cleanups.push(() => peer.close());
  return peer;
}

describe('batchSends', () => {
  it('sends the transactions of one turn as one message, after the turn', async () => {
    const { ydoc, sent } = await batchedPeer();
    const other = await otherPeer();
    const map = ydoc.getMap('executions');
    map.set('a', { status: 'claimed' });
    map.set('b', { status: 'running' });
    ydoc.getText('content').insert(0, 'hello');
    expect(sent).toEqual([]); // nothing inside the turn
    await waitFor(() => other.entry('b')?.status, (status) => status === 'running', { what: 'the second write at the other peer' });
    expect(other.entry('a')?.status).toBe('claimed');
    expect(other.content()).toBe('hello');
    expect(sent).toEqual([0]);
  });

  it('does not send back what came from the server', async () => {
    const { ydoc, sent } = await batchedPeer();
    const other = await otherPeer();
    other.executions.set('x', { status: 'requested' });
    await waitFor(() => ydoc.getMap('executions').get('x'), (entry) => entry !== undefined, { what: 'the other peer’s write' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent.filter((kind) => kind === 0)).toEqual([]);
  });

  it('sends document updates made before an awareness change ahead of it', async () => {
    const { ydoc, provider, sent } = await batchedPeer();
    const other = await otherPeer();
    ydoc.getMap('executions').set('c', { status: 'claimed', claimedBy: 'me' });
    provider.awareness.setLocalStateField('monitor', { id: 'me', peers: [], seen: {} });
    expect(sent).toEqual([0, 1]);
    await waitFor(() => other.entry('c')?.status, (status) => status === 'claimed', { what: 'the claim at the other peer' });
  });

  it('flush sends what waits at once', async () => {
    const { ydoc, sent, flush } = await batchedPeer();
    ydoc.getMap('executions').set('d', { status: 'error' });
    flush();
    expect(sent).toEqual([0]);
    flush();
    expect(sent).toEqual([0]);
  });
});
