// The disk queue and its delivery against a real HTTP receiver: a receiver that refuses
// connections, then answers 500, then 200 gets every alert accepted exactly once and in order;
// the queue is bounded (oldest dropped, counted) and what it holds survives a new reader.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWebhookReceiver } from '../../../../test/helpers/webhook-receiver';
import { waitFor } from '../../../../test/helpers/wait-for';
import type { AlertBody } from './alert-body';
import { AlertDelivery } from './alert-delivery';
import { AlertQueue } from './alert-queue';

const KEY = 'k'.repeat(32);

function body(seq: number, service = 'api'): AlertBody {
  return { id: `${KEY}-${seq}`, kind: 'service-failed', service, from: 'running', to: 'failed', reason: `crash ${seq}`, host: 'h', time: new Date(0).toISOString(), instance: KEY, manifest: '/m.toml', suppressed: 0 };
}

describe('AlertQueue and AlertDelivery', () => {
  let dir: string;
  const closing: AlertDelivery[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-alert-queue-'));
  });

  afterEach(async () => {
    for (const delivery of closing.splice(0)) await delivery.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers each alert once and in order through refused connections and 500s', { timeout: 60_000 }, async () => {
    const receiver = await startWebhookReceiver({ listen: false });
    const lines: string[] = [];
    const queue = new AlertQueue(dir, KEY, 100);
    const delivery = new AlertDelivery({ queue, target: () => ({ url: `${receiver.url}/hook`, headers: { authorization: 'Bearer t' } }), baseDelayMs: 20, maxDelayMs: 150, log: (line) => lines.push(line) });
    closing.push(delivery);
    for (let i = 0; i < 3; i++) await queue.push(body);
    // On disk before the first attempt.
    expect(JSON.parse(await readFile(queue.path, 'utf8')).items.map((item: { body: AlertBody }) => item.body.reason)).toEqual(['crash 1', 'crash 2', 'crash 3']);
    delivery.kick();
    await waitFor(() => lines.filter((line) => line.includes('ECONNREFUSED')).length, (count) => count >= 2, { what: 'two refused attempts', timeoutMs: 30_000 });
    receiver.status = 500;
    await receiver.start();
    await waitFor(() => receiver.requests.length, (count) => count >= 2, { what: 'two answers of 500', timeoutMs: 30_000 });
    expect(delivery.status()).toMatchObject({ queued: 3, delivered: 0, lastError: 'HTTP 500' });
    receiver.status = 200;
    await waitFor(() => delivery.status().queued, (queued) => queued === 0, { what: 'an empty queue', timeoutMs: 30_000 });
    const accepted = receiver.accepted('/hook');
    expect(accepted.map((request) => (request.body as AlertBody).reason)).toEqual(['crash 1', 'crash 2', 'crash 3']);
    expect(accepted[0]!.headers).toMatchObject({ authorization: 'Bearer t', 'content-type': 'application/json' });
    // Every request before the first 200 carried the first alert: one in flight, oldest first.
    expect(receiver.requests.filter((request) => request.status !== 200).every((request) => (request.body as AlertBody).reason === 'crash 1')).toBe(true);
    expect(delivery.status()).toMatchObject({ delivered: 3, dropped: 0 });
    expect(delivery.status().lastDeliveryAt).toBeGreaterThan(0);
    await queue.flush();
    expect(JSON.parse(await readFile(queue.path, 'utf8')).items).toEqual([]);
  });

  it('keeps at most maxQueued, dropping the oldest with a count that survives a restart', async () => {
    const queue = new AlertQueue(dir, KEY, 3);
    for (let i = 0; i < 5; i++) await queue.push(body);
    expect(queue.depth).toBe(3);
    expect(queue.dropped).toBe(2);
    const again = new AlertQueue(dir, KEY, 3);
    expect([again.depth, again.dropped, again.peek()?.body.reason, again.nextSeq]).toEqual([3, 2, 'crash 3', 6]);
    // Ids never repeat: numbering goes on from the file.
    expect((await again.push(body)).body.id).toBe(`${KEY}-6`);
  });

  it('sets an unreadable queue file aside and starts empty', async () => {
    const first = new AlertQueue(dir, KEY, 3);
    await first.push(body);
    const { writeFile, readdir } = await import('node:fs/promises');
    await writeFile(first.path, '{ half');
    const lines: string[] = [];
    const queue = new AlertQueue(dir, KEY, 3, (line) => lines.push(line));
    expect(queue.depth).toBe(0);
    expect(lines.join('\n')).toContain('could not be read');
    expect((await readdir(join(dir, 'alerts'))).some((name) => name.includes('.unreadable-'))).toBe(true);
  });

  it('a receiver that never answers times out and the alert stays queued', { timeout: 30_000 }, async () => {
    const { createServer } = await import('node:http');
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const lines: string[] = [];
      const queue = new AlertQueue(dir, KEY, 10);
      const delivery = new AlertDelivery({ queue, target: () => ({ url: `http://127.0.0.1:${port}/`, headers: {} }), timeoutMs: 200, baseDelayMs: 10_000, log: (line) => lines.push(line) });
      closing.push(delivery);
      await queue.push(body);
      delivery.kick();
      await waitFor(() => lines.join('\n'), (text) => text.includes('no answer within 0.2 s'), { what: 'a timeout', timeoutMs: 20_000 });
      expect(delivery.status()).toMatchObject({ queued: 1, delivered: 0 });
      expect(delivery.status().nextAttemptAt).toBeGreaterThan(Date.now());
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});
