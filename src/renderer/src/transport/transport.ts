// What the renderer needs from whichever shell it runs in. It never knows which one.
import type { EventName, EventPayload, MethodArgs, MethodName, MethodResult, Reply } from '../../../shared/contract';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface Transport {
  readonly kind: 'ipc' | 'websocket';
  invoke<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<Reply<MethodResult<M>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>, seq: number) => void): () => void;
  /** Called with the current state at once, then on every change; `open` again after a reconnect. */
  onConnection(listener: (state: ConnectionState) => void): () => void;
}
