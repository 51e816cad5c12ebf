// GET /api/events (issue 17): server-sent events with ids; a client that drops and comes back
// with Last-Event-ID misses nothing a client that stayed saw; an id older than the history gets
// a `reset`; the token rule is every other route's. Real engine, real HTTP, real child processes.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sourceCliArgv } from '../../../test/helpers/cli-argv';
import { waitFor } from '../../../test/helpers/wait-for';
import { listen } from '../engine/net/listen';
import { createOrchestrator, type Orchestrator } from '../engine/orchestrator';
import { startDaemonServer, type DaemonServer } from './daemon-server';
import { EventStream } from './event-stream';

interface SseEvent {
  id: number;
  event: string;
  data: any;
}

/** Reads an event stream into `events` until `stop()`. */
function openStream(url: string, headers: Record<string, string>) {
  const events: SseEvent[] = [];
  const controller = new AbortController();
  const done = (async () => {
    const response = await fetch(url, { headers, signal: controller.signal });
    if (response.status !== 200) return response.status;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = Object.fromEntries(block.split('\n').filter((line) => !line.startsWith(':') && line.includes(': ')).map((line) => [line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2)]));
          if (fields.event) events.push({ id: Number(fields.id), event: fields.event, data: JSON.parse(fields.data) });
        }
      }
    } catch {
      // aborted
    }
    return 200;
  })();
  return { events, stop: () => controller.abort(), done };
}

const idle = `node -e "setInterval(() => console.log('tick'), 50)"`;

describe('GET /api/events', () => {
  let dir: string;
  let orchestrator: Orchestrator;
  let server: DaemonServer | null = null;
  let plain: Server | null = null;
  const token = 'event-stream-test-token-0123456789';

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-events-'));
    const file = join(dir, 'services.toml');
    await writeFile(file, `[services.one]\ncommand = ${JSON.stringify(idle)}\n\n[services.two]\ncommand = ${JSON.stringify(idle)}\n`);
    orchestrator = await createOrchestrator({ manifestPath: file, stateDir: join(dir, 'state'), usbSource: null, deviceRoot: join(dir, 'dev'), statsIntervalMs: 0, cliArgv: sourceCliArgv });
  });

  afterEach(async () => {
    await server?.close();
    server = null;
    plain?.closeAllConnections();
    await new Promise((resolve) => (plain ? plain.close(resolve) : resolve(null)));
    plain = null;
    await orchestrator.close();
    await rm(dir, { recursive: true, force: true });
  });

  const running = (name: string) => waitFor(() => orchestrator.snapshot().services.find((service) => service.name === name)?.state.kind, (kind) => kind === 'running', { what: `${name} running`, timeoutMs: 30_000 });

  it('needs the token, starts with a snapshot, and resumes after Last-Event-ID without a gap', { timeout: 90_000 }, async () => {
    server = await startDaemonServer({ hub: orchestrator.hub, call: orchestrator.call as never, urls: () => ({}), metrics: () => '', token, port: 0, rendererDir: null });
    const url = `${server.url}/api/events`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    const auth = { Authorization: `Bearer ${token}` };
    await running('one');
    await running('two');

    // The stream's own history is not a client: an idle daemon samples stats at the slow period.
    expect(orchestrator.hub.clientCount).toBe(0);
    const stayed = openStream(url, auth);
    const dropped = openStream(url, auth);
    await waitFor(() => dropped.events.length, (count) => count > 0, { what: 'snapshot event' });
    await waitFor(() => orchestrator.hub.clientCount, (count) => count === 2, { what: 'two watching stream clients' });
    expect(dropped.events[0].event).toBe('snapshot');
    expect(dropped.events[0].data.services.map((service: { name: string }) => service.name)).toEqual(['one', 'two']);

    await orchestrator.call('services.stop', { name: 'one' });
    await waitFor(() => dropped.events.some((event) => event.event === 'service.changed' && event.data.service.state.kind === 'exited'), Boolean, { what: 'one exited, seen' });
    dropped.stop();
    const lastId = dropped.events.at(-1)!.id;

    // While it is away: more changes.
    await orchestrator.call('services.stop', { name: 'two' });
    await orchestrator.call('services.start', { name: 'one' });
    await running('one');
    const resumed = openStream(url, { ...auth, 'Last-Event-ID': String(lastId) });
    await waitFor(() => resumed.events.filter((event) => event.event === 'service.changed' && event.data.service.name === 'one' && event.data.service.state.kind === 'running').length, (count) => count > 0, { what: 'resumed stream caught up', timeoutMs: 30_000 });
    await waitFor(() => stayed.events.at(-1)?.id, (id) => id === resumed.events.at(-1)?.id, { what: 'both streams at the same event' });
    stayed.stop();
    resumed.stop();

    const ids = (events: SseEvent[]) => events.filter((event) => event.event !== 'snapshot').map((event) => event.id);
    const seen = [...ids(dropped.events), ...ids(resumed.events)];
    expect(seen).toEqual(ids(stayed.events));
    expect(new Set(seen).size).toBe(seen.length);
    expect(resumed.events.every((event) => event.id > lastId)).toBe(true);
  });

  it('says so with a reset when the id is older than the history, and sends log lines only when asked', { timeout: 90_000 }, async () => {
    const stream = new EventStream(orchestrator.hub, { historySize: 4 });
    plain = createServer((request, response) => void stream.serve(request, response, new URL(request.url ?? '/', 'http://x')));
    const port = await listen(plain, 0, '127.0.0.1');
    const url = `http://127.0.0.1:${port}/events`;
    await running('one');
    for (let round = 0; round < 3; round += 1) {
      await orchestrator.call('services.restart', { name: 'two' });
      await running('two');
    }
    const old = openStream(url, { 'Last-Event-ID': '1' });
    await waitFor(() => old.events.length, (count) => count > 0, { what: 'reset event' });
    expect(old.events[0]).toMatchObject({ event: 'reset', data: { lastEventId: 1 } });
    expect(old.events[0].data.reason).toMatch(/no longer kept.*fresh snapshot/);
    old.stop();

    const quiet = openStream(url, {});
    const withLogs = openStream(`${url}?logs=one`, {});
    await waitFor(() => withLogs.events.filter((event) => event.event === 'log.chunk').length, (count) => count >= 2, { what: 'log chunks of one', timeoutMs: 30_000 });
    expect(withLogs.events.filter((event) => event.event === 'log.chunk').every((event) => event.data.process === 'one')).toBe(true);
    expect(quiet.events.some((event) => event.event === 'log.chunk')).toBe(false);
    quiet.stop();
    withLogs.stop();
    stream.close();
  });
});
