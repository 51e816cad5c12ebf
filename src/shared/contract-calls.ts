// The calling side of the contract over a message socket (shared/wire.ts), shared by the
// browser's WebSocket transport and the desktop app's remote orchestrator: numbered calls,
// replies matched by id, a timeout, a fail-fast when the socket is not open, and every call
// still waiting answered `unavailable` when the connection goes. Each side keeps its own
// socket, parsing and events; no Node or DOM here, only timers both have.
import { errorReply, type Reply } from './contract';

export class ContractCalls {
  private readonly pending = new Map<number, { resolve: (reply: Reply<unknown>) => void; timer: ReturnType<typeof setTimeout> }>();
  private nextId = 1;

  constructor(private readonly callTimeoutMs: number) {}

  /**
   * Sends one call; `send` returns false when the socket is not open. Always resolves: with the
   * daemon's reply, or `unavailable` saying `notConnected` or that `timedOut`.
   */
  call(method: string, args: unknown, send: (text: string) => boolean, messages: { notConnected: string; timedOut: string }): Promise<Reply<unknown>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(errorReply('unavailable', messages.timedOut));
      }, this.callTimeoutMs);
      this.pending.set(id, { resolve, timer });
      if (!send(JSON.stringify({ type: 'call', id, method, args }))) {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(errorReply('unavailable', messages.notConnected));
      }
    });
  }

  /** A reply message from the socket; one for no call of ours is ignored. */
  settle(id: number, reply: Reply<unknown>): void {
    const call = this.pending.get(id);
    if (!call) return;
    this.pending.delete(id);
    clearTimeout(call.timer);
    call.resolve(reply);
  }

  /** The connection went: every call still waiting gets `unavailable` with `message`. */
  failAll(message: string): void {
    for (const [id, call] of this.pending) {
      clearTimeout(call.timer);
      call.resolve(errorReply('unavailable', message));
      this.pending.delete(id);
    }
  }
}
