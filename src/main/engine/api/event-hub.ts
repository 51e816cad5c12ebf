// Fans engine events out to connected clients (Electron windows, WebSocket sockets, tests).
// Every event gets the next sequence number; `system.subscribe` answers with a snapshot and
// the sequence it was taken at, in the same tick, so a client drops events at or below it
// (STYLE.md §6). Log chunks go only to clients that follow that process: with a log source
// (the engine's LogStore) each client follows on the fan-out itself, with its own cursors and
// flow control (LogFollow); without one (a hub relaying a daemon's events) published chunks
// are filtered by what each client follows.
import type { EventName, EventPayload, MethodName, Reply } from '../../../shared/contract';
import { dispatchCall, type CallLogger, type ContractHandlers } from './contract-dispatcher';
import { LogFollow, type LogFollowSource } from './log-follow';

/**
 * Delivers one event to a client. Returning `false` for a `log.chunk` says the client's
 * transport is behind: its log follow pauses until `ClientSession.resumeLogs()`.
 */
export type EventSink = (name: EventName, seq: number, payload: unknown) => unknown;

export interface ClientSession {
  call(method: MethodName | string, args: unknown): Promise<Reply<unknown>>;
  /** The client's transport caught up after its sink returned `false`: log chunks flow again. */
  resumeLogs(): void;
  close(): void;
}

interface Client {
  followed: Set<string>;
  /** Someone looks at the events (a panel, a socket); false for the daemon's own listeners. */
  watches: boolean;
  /** Only with a log source. */
  follow: LogFollow | null;
}

export class EventHub {
  private seq = 0;
  private readonly sinks = new Map<EventSink, Client>();

  /**
   * Told the number of watching clients whenever it changes (the stats clock follows it).
   * The daemon's own listeners (event history, status file, tray) open with `watches: false`
   * and are not counted: counted, they kept every idle daemon on the watched stats period.
   */
  onClientCount: (count: number) => void = () => {};

  constructor(
    private readonly handlers: () => ContractHandlers,
    private readonly log: CallLogger = () => {},
    private readonly logs: LogFollowSource | null = null,
  ) {}

  get currentSeq(): number {
    return this.seq;
  }

  /** Clients that watch (`open` without `watches: false`). */
  get clientCount(): number {
    let count = 0;
    for (const client of this.sinks.values()) if (client.watches) count++;
    return count;
  }

  publish<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const seq = ++this.seq;
    for (const [sink, client] of this.sinks) {
      if (name === 'log.chunk' && !client.followed.has((payload as EventPayload<'log.chunk'>).process)) continue;
      this.send(sink, name, seq, payload);
    }
  }

  /** Processes some client follows (a relaying hub asks its daemon for their union). */
  followedProcesses(): Set<string> {
    const all = new Set<string>();
    for (const client of this.sinks.values()) for (const name of client.followed) all.add(name);
    return all;
  }

  /** Calls without events (the engine's own `call`): not a client, so not counted as one. */
  caller(): ClientSession {
    const context = { follow: (processes: string[]) => [...new Set(processes)] };
    return {
      call: (method, args) => dispatchCall(this.handlers(), method, args, context, this.log),
      resumeLogs: () => {},
      close: () => {},
    };
  }

  /** `watches: false` for the daemon's own listeners: they get every event but are not counted as clients. */
  open(sink: EventSink, { watches = true }: { watches?: boolean } = {}): ClientSession {
    const client: Client = {
      followed: new Set(),
      watches,
      follow: this.logs ? new LogFollow(this.logs, (chunk) => this.send(sink, 'log.chunk', ++this.seq, chunk)) : null,
    };
    this.sinks.set(sink, client);
    if (watches) this.onClientCount(this.clientCount);
    const context = {
      follow: (processes: string[], from?: Record<string, number>) => {
        client.followed = new Set(processes);
        client.follow?.set(client.followed, from);
        return [...client.followed];
      },
    };
    return {
      call: (method, args) => dispatchCall(this.handlers(), method, args, context, this.log),
      resumeLogs: () => client.follow?.resume(),
      close: () => {
        if (this.sinks.delete(sink) && client.watches) this.onClientCount(this.clientCount);
        client.follow?.close();
      },
    };
  }

  private send(sink: EventSink, name: EventName, seq: number, payload: unknown): boolean {
    try {
      return sink(name, seq, payload) !== false;
    } catch (error) {
      // One broken client (a closed socket mid-send) must not stop the others.
      this.log(`event ${name} to a client failed: ${String(error)}`);
      return true;
    }
  }
}
