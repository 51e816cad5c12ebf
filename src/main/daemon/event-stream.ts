// `GET /api/events` (issue 17): the contract's events as server-sent events for scripts. Each
// event's id is the hub's sequence number; a client that reconnects with `Last-Event-ID` gets
// every event after it from a bounded history, then the live ones, with nothing lost in
// between (replay and registration happen in one tick). An id older than the history gets a
// `reset` event saying so (take a fresh snapshot). A new client first gets `snapshot` (the
// `system.subscribe` value; its id is the sequence it was taken at), as the panel does.
// Log lines are opt-in (`?logs=a,b`, or `?logs=*` for every process there is at connect time),
// live only: they are too big to keep.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventName } from '../../shared/contract';
import type { ClientSession, EventHub } from '../engine/api/event-hub';

interface Stored {
  seq: number;
  name: EventName;
  data: string;
}

export interface EventStreamOptions {
  /** Events kept for `Last-Event-ID` resumes (log chunks are never kept). */
  historySize?: number;
  heartbeatMs?: number;
  /** A client this far behind gets no log chunks until it catches up. */
  logBacklogBytes?: number;
  /** A client this far behind is cut off; it reconnects with Last-Event-ID and loses nothing kept. */
  maxBacklogBytes?: number;
}

export class EventStream {
  private readonly history: Stored[] = [];
  private start = 0;
  private readonly recorder: ClientSession;
  private readonly clients = new Set<ServerResponse>();
  private readonly historySize: number;

  constructor(
    private readonly hub: EventHub,
    private readonly options: EventStreamOptions = {},
  ) {
    this.historySize = options.historySize ?? 5000;
    // The history is the daemon's own: not a client that watches (event-hub.ts).
    this.recorder = hub.open(
      (name, seq, payload) => {
        if (name === 'log.chunk') return;
        this.history.push({ seq, name, data: JSON.stringify(payload) });
        // Amortized trim: drop the oldest half-window in one splice, not one shift per event.
        if (this.history.length > this.historySize * 1.5) this.history.splice(0, this.history.length - this.historySize);
      },
      { watches: false },
    );
    this.start = hub.currentSeq;
  }

  /** The oldest id a client may resume after without a gap. */
  private get resumableFrom(): number {
    const kept = this.history.length > this.historySize ? this.history.length - this.historySize : 0;
    return kept > 0 ? this.history[kept - 1].seq : this.history.length > 0 ? this.history[0].seq - 1 : this.start;
  }

  async serve(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const header = request.headers['last-event-id'];
    const lastId = typeof header === 'string' && /^\d{1,15}$/.test(header.trim()) ? Number(header.trim()) : null;
    const logs = (url.searchParams.get('logs') ?? '').split(',').map((name) => name.trim()).filter(Boolean).slice(0, 1000);
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Accel-Buffering': 'no',
    });
    response.write('retry: 2000\n\n');
    const { logBacklogBytes = 1024 * 1024, maxBacklogBytes = 16 * 1024 * 1024 } = this.options;
    const send = (id: number, name: string, data: string) => {
      if (response.writableLength > maxBacklogBytes) {
        response.destroy();
        return;
      }
      response.write(`id: ${id}\nevent: ${name}\ndata: ${data}\n\n`);
    };
    const allLogs = logs.includes('*');
    // Live events wait here until the snapshot or the replay is written, so the stream stays in order.
    let pending: Stored[] | null = [];
    const session = this.hub.open((name, seq, payload) => {
      if (pending) pending.push({ seq, name, data: JSON.stringify(payload) });
      else send(seq, name, JSON.stringify(payload));
      // Behind: the hub pauses this client's log follow until the socket drains (the next
      // chunk's `dropped` counts what the ring evicted meanwhile).
      if (name === 'log.chunk' && response.writableLength > logBacklogBytes) {
        response.once('drain', () => session.resumeLogs());
        return false;
      }
      return true;
    });
    // Registered above and read here in the same tick: nothing published can fall in between.
    if (lastId === null) {
      const reply = await session.call('system.subscribe', {});
      if (reply.ok) {
        const { snapshot, seq } = reply.value as { snapshot: { logProcesses: string[] }; seq: number };
        send(seq, 'snapshot', JSON.stringify(snapshot));
        if (allLogs) logs.splice(0, logs.length, ...snapshot.logProcesses);
      }
    } else if (lastId < this.resumableFrom) {
      const oldest = this.resumableFrom;
      const reason = `events after ${lastId} are no longer kept (the history starts after ${oldest}); take a fresh snapshot (GET /api/events without Last-Event-ID)`;
      send(this.hub.currentSeq, 'reset', JSON.stringify({ reason, lastEventId: lastId, oldest }));
    } else {
      for (const event of this.history) if (event.seq > lastId && event.seq <= (pending[0]?.seq ?? Infinity) - 1) send(event.seq, event.name, event.data);
    }
    for (const event of pending) send(event.seq, event.name, event.data);
    pending = null;
    if (allLogs && lastId !== null) {
      const reply = await session.call('system.subscribe', {});
      if (reply.ok) logs.splice(0, logs.length, ...(reply.value as { snapshot: { logProcesses: string[] } }).snapshot.logProcesses);
    }
    if (logs.length > 0) await session.call('logs.follow', { processes: logs.filter((name) => name !== '*') });
    this.clients.add(response);
    const heartbeat = setInterval(() => response.write(': keepalive\n\n'), this.options.heartbeatMs ?? 15_000);
    heartbeat.unref();
    const done = () => {
      clearInterval(heartbeat);
      session.close();
      this.clients.delete(response);
    };
    response.once('close', done);
    request.once('close', done);
  }

  close(): void {
    this.recorder.close();
    for (const response of this.clients) response.destroy();
    this.clients.clear();
  }
}
