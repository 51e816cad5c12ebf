// Fans engine events out to connected clients (Electron windows, WebSocket sockets, tests).
// Every event gets the next sequence number; `system.subscribe` answers with a snapshot and
// the sequence it was taken at, in the same tick, so a client drops events at or below it
// (STYLE.md §6). Log chunks go only to clients that follow that process.
import type { EventName, EventPayload, MethodName, Reply } from '../../../shared/contract';
import { dispatchCall, type CallLogger, type ContractHandlers } from './contract-dispatcher';

export type EventSink = (name: EventName, seq: number, payload: unknown) => void;

export interface ClientSession {
  call(method: MethodName | string, args: unknown): Promise<Reply<unknown>>;
  close(): void;
}

export class EventHub {
  private seq = 0;
  private readonly sinks = new Map<EventSink, Set<string>>();

  /** Told the number of connected clients whenever it changes (the stats clock follows it). */
  onClientCount: (count: number) => void = () => {};

  constructor(
    private readonly handlers: () => ContractHandlers,
    private readonly log: CallLogger = () => {},
  ) {}

  get currentSeq(): number {
    return this.seq;
  }

  get clientCount(): number {
    return this.sinks.size;
  }

  publish<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const seq = ++this.seq;
    for (const [sink, followed] of this.sinks) {
      if (name === 'log.chunk' && !followed.has((payload as EventPayload<'log.chunk'>).process)) continue;
      try {
        sink(name, seq, payload);
      } catch (error) {
        // One broken client (a closed socket mid-send) must not stop the others.
        this.log(`event ${name} to a client failed: ${String(error)}`);
      }
    }
  }

  /** Processes some client follows, so the log store can skip batching for nobody. */
  followedProcesses(): Set<string> {
    const all = new Set<string>();
    for (const followed of this.sinks.values()) for (const name of followed) all.add(name);
    return all;
  }

  /** Calls without events (the engine's own `call`): not a client, so not counted as one. */
  caller(): ClientSession {
    const context = { follow: (processes: string[]) => [...new Set(processes)] };
    return {
      call: (method, args) => dispatchCall(this.handlers(), method, args, context, this.log),
      close: () => {},
    };
  }

  open(sink: EventSink): ClientSession {
    const followed = new Set<string>();
    this.sinks.set(sink, followed);
    this.onClientCount(this.sinks.size);
    const context = {
      follow: (processes: string[]) => {
        followed.clear();
        for (const name of processes) followed.add(name);
        return [...followed];
      },
    };
    return {
      call: (method, args) => dispatchCall(this.handlers(), method, args, context, this.log),
      close: () => {
        if (this.sinks.delete(sink)) this.onClientCount(this.sinks.size);
      },
    };
  }
}
