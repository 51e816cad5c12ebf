// What a monitor peer sends on its y-websocket connection, and when.
//
// Document updates: y-websocket sends every local transaction at once, inside it. We send them
// once per event-loop turn instead (from setImmediate, merged into one message when there are
// several). Why: the run of a cell writes `running`, then POSTs to the runtime, in one turn;
// sent at once, the `running` message woke the sync server and the editor before the runtime
// had the request, and on a busy 2-core machine they could take the CPU first. Now the
// runtime's request goes out first (node:http writes it on the next tick) and the status
// follows within the turn. The write itself is still local and immediate, so the guarded
// `ready` → `running` (claim.ts, step 5) is decided before the POST as before.
//
// Awareness: y-websocket also sends every awareness update it applies, remote ones included,
// which the server already has; with acknowledgements in awareness that echo doubled the
// traffic. We send only what this peer changed, and always after the document updates made
// before it: claim.ts (step 0) relies on a monitor's claims reaching others before its
// awareness does.
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

export interface BatchedSends {
  /** Sends the document updates still waiting (before the socket closes, say). */
  flush(): void;
}

export function batchSends(provider: WebsocketProvider): BatchedSends {
  const doc = provider.doc;
  const sendUpdate = provider._updateHandler;
  let pending: Uint8Array[] = [];
  let timer: NodeJS.Immediate | null = null;
  const flush = (): void => {
    if (timer !== null) clearImmediate(timer);
    timer = null;
    if (pending.length === 0) return;
    const updates = pending;
    pending = [];
    sendUpdate(updates.length === 1 ? updates[0] : Y.mergeUpdates(updates), null);
  };
  doc.off('update', sendUpdate);
  provider._updateHandler = (update, origin) => {
    if (origin === provider) return; // came from the server
    pending.push(update);
    timer ??= setImmediate(flush);
  };
  doc.on('update', provider._updateHandler);

  const sendAwareness = provider._awarenessUpdateHandler;
  provider.awareness.off('update', sendAwareness);
  provider._awarenessUpdateHandler = (change, origin) => {
    if (origin === provider) return;
    flush();
    sendAwareness(change, origin);
  };
  provider.awareness.on('update', provider._awarenessUpdateHandler);
  return { flush };
}
