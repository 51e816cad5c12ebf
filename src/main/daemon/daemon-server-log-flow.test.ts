// Issue 21/22: a WebSocket client that stops reading while a service floods. Its follow pauses
// on the log fan-out (nothing piles up for it in the daemon), the client beside it keeps
// getting every byte, and when the slow one reads again it continues from its own cursor and
// is told how many lines the ring evicted meanwhile. Real server, real sockets, real store.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LogChunk } from '../../shared/model';
import { CONTRACT_WS_PATH } from '../../shared/wire';
import type { ContractHandlers } from '../engine/api/contract-dispatcher';
import { EventHub } from '../engine/api/event-hub';
import { LogStore } from '../engine/logs/log-store';
import { startDaemonServer, type DaemonServer } from './daemon-server';

const TOKEN = 'log-flow-token';
const PROCESS = 'flood';

interface Follower {
  socket: WebSocket;
  chunks: LogChunk[];
  /** Where the received output ends. */
  end(): number;
}

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function startOf(chunk: LogChunk): number {
  return chunk.offset - Buffer.byteLength(chunk.data);
}

describe('daemon log follow with a slow client beside a fast one', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(): Promise<{ store: LogStore; server: DaemonServer }> {
    // A small ring, so the flood evicts what the slow client has not read.
    const store = new LogStore({ logDir: null, ringBytes: 512 * 1024 });
    const handlers = { 'logs.follow': ({ processes, from }, context) => ({ processes: context.follow(processes, from) }) } as Partial<ContractHandlers> as ContractHandlers;
    const hub = new EventHub(() => handlers, () => {}, store);
    const server = await startDaemonServer({ hub, call: () => Promise.reject(new Error('no REST here')), urls: () => ({}), metrics: () => '', token: TOKEN, port: 0, rendererDir: null });
    cleanups.push(() => store.close(), () => server.close());
    return { store, server };
  }

  async function follow(server: DaemonServer, from?: Record<string, number>): Promise<Follower> {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}${CONTRACT_WS_PATH}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    cleanups.push(() => socket.terminate());
    const chunks: LogChunk[] = [];
    const followed = new Promise<void>((resolve, reject) => {
      socket.on('error', reject);
      socket.on('message', (raw) => {
        const message = JSON.parse(raw.toString());
        if (message.type === 'reply') resolve();
        else if (message.type === 'event' && message.name === 'log.chunk') chunks.push(message.payload as LogChunk);
      });
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    socket.send(JSON.stringify({ type: 'call', id: 1, method: 'logs.follow', args: { processes: [PROCESS], from } }));
    await followed;
    return { socket, chunks, end: () => chunks.at(-1)?.offset ?? 0 };
  }

  it('pauses the slow client, keeps the fast one whole, and resumes the slow one from its cursor with what it missed counted', async () => {
    const { store, server } = await setUp();
    store.write(PROCESS, 'stdout', 'start\n');
    const fast = await follow(server);
    const slow = await follow(server);
    slow.socket.pause(); // stops reading its socket: the daemon's send buffer for it fills

    // Far more than the kernel's socket buffers and the backlog limit hold; each piece waits
    // until the fast client has all of it, so the fast one is never behind on its own.
    const line = 'x'.repeat(99) + '\n';
    const piece = line.repeat(2560); // 256 KB
    for (let written = 0; written < 24 * 1024 * 1024; written += piece.length) {
      store.write(PROCESS, 'stdout', piece);
      const total = store.stats(PROCESS)!.totalBytes;
      await until(() => fast.end() === total, 'the fast client to get the flood');
    }
    expect(slow.socket.readyState).toBe(WebSocket.OPEN); // paused, not cut off

    slow.socket.resume();
    store.write(PROCESS, 'stdout', 'the end\n');
    const total = store.stats(PROCESS)!.totalBytes;
    await until(() => fast.end() === total && slow.end() === total, 'both clients to reach the end');

    // The fast client got every byte, in order, nothing dropped.
    let at = fast.chunks[0] ? startOf(fast.chunks[0]) : 0;
    for (const chunk of fast.chunks) {
      expect(startOf(chunk)).toBe(at);
      expect(chunk.dropped).toBe(0);
      at = chunk.offset;
    }
    // The slow one skipped what the ring evicted, and was told so at the gap: never a silent one.
    let dropped = 0;
    let end = startOf(slow.chunks[0]);
    for (const chunk of slow.chunks) {
      if (startOf(chunk) !== end) expect(chunk.dropped).toBeGreaterThan(0);
      dropped += chunk.dropped;
      end = chunk.offset;
    }
    expect(dropped).toBeGreaterThan(0);
    expect(slow.chunks.reduce((sum, chunk) => sum + Buffer.byteLength(chunk.data), 0)).toBeLessThan(total / 2);
    expect(slow.chunks.at(-1)!.data.endsWith('the end\n')).toBe(true);
  }, 120_000); // 24 MB through two sockets: generous for a machine three times slower under load

  it('continues a follow from the offset a reconnecting client gives', async () => {
    const { store, server } = await setUp();
    store.write(PROCESS, 'stdout', 'one\ntwo\n');
    const seenTo = store.tail(PROCESS).offset;
    store.write(PROCESS, 'stdout', 'three\n'); // while the client was away
    const client = await follow(server, { [PROCESS]: seenTo });
    await until(() => client.end() === store.stats(PROCESS)!.totalBytes, 'the missed output');
    expect(client.chunks.map((chunk) => chunk.data).join('')).toBe('three\n');
    expect(startOf(client.chunks[0])).toBe(seenTo);
  });
});
