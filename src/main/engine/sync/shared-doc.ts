// One Yjs document served to many WebSocket clients: the y-websocket wire protocol on
// y-protocols (sync + awareness), as y-websocket 2's server speaks it, but owned by one
// server instance rather than a module-global map, so several servers can share a process.
//
// Messages are a varuint kind followed by its payload:
//   0 sync       step 1 / step 2 / update (y-protocols/sync)
//   1 awareness  an awareness update, relayed to every client
//   3 query      a client asks for all awareness states
// Each client's awareness ids are remembered so they are removed (and the removal relayed)
// when it leaves.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { WebSocket } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const MESSAGE_QUERY_AWARENESS = 3;

interface AwarenessChange {
  added: number[];
  updated: number[];
  removed: number[];
}

export class SharedDoc {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  /** Each client socket with the awareness client ids it controls. */
  private readonly conns = new Map<WebSocket, Set<number>>();

  constructor(
    readonly key: string,
    private readonly log: (line: string) => void,
  ) {
    // The server is no peer: it shows no presence of its own.
    this.awareness.setLocalState(null);
    this.doc.on('update', this.onDocUpdate);
    this.awareness.on('update', this.onAwarenessUpdate);
  }

  get clientCount(): number {
    return this.conns.size;
  }

  addConnection(ws: WebSocket): void {
    this.conns.set(ws, new Set());
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      if (!isBinary) return;
      this.onMessage(ws, toUint8Array(data));
    });

    const step1 = encoding.createEncoder();
    encoding.writeVarUint(step1, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(step1, this.doc);
    this.send(ws, encoding.toUint8Array(step1));

    const states = this.awareness.getStates();
    if (states.size > 0) this.send(ws, this.encodeAwareness(Array.from(states.keys())));
  }

  /** Returns true when this was the last client. */
  removeConnection(ws: WebSocket): boolean {
    const ids = this.conns.get(ws);
    if (ids === undefined) return false;
    this.conns.delete(ws);
    awarenessProtocol.removeAwarenessStates(this.awareness, Array.from(ids), null);
    return this.conns.size === 0;
  }

  destroy(): void {
    this.doc.off('update', this.onDocUpdate);
    this.awareness.off('update', this.onAwarenessUpdate);
    this.awareness.destroy();
    this.doc.destroy();
  }

  private onMessage(ws: WebSocket, message: Uint8Array): void {
    // Caught per message (STYLE.md §8): one bad message never stops the document.
    try {
      const decoder = decoding.createDecoder(message);
      const kind = decoding.readVarUint(decoder);
      switch (kind) {
        case MESSAGE_SYNC: {
          const reply = encoding.createEncoder();
          encoding.writeVarUint(reply, MESSAGE_SYNC);
          syncProtocol.readSyncMessage(decoder, reply, this.doc, ws);
          // Only the kind byte written: the message needed no answer.
          if (encoding.length(reply) > 1) this.send(ws, encoding.toUint8Array(reply));
          break;
        }
        case MESSAGE_AWARENESS:
          awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), ws);
          break;
        case MESSAGE_QUERY_AWARENESS:
          this.send(ws, this.encodeAwareness(Array.from(this.awareness.getStates().keys())));
          break;
        default:
          // Auth (2) and unknown kinds are ignored, as y-websocket's server does.
          break;
      }
    } catch (error) {
      this.log(`doc ${this.key}: bad message dropped: ${String(error)}`);
    }
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeUpdate(encoder, update);
    const message = encoding.toUint8Array(encoder);
    // The sender already has its own update.
    for (const ws of this.conns.keys()) if (ws !== origin) this.send(ws, message);
  };

  private readonly onAwarenessUpdate = ({ added, updated, removed }: AwarenessChange, origin: unknown): void => {
    const ids = this.conns.get(origin as WebSocket);
    if (ids !== undefined) {
      for (const id of added) ids.add(id);
      for (const id of removed) ids.delete(id);
    }
    const message = this.encodeAwareness([...added, ...updated, ...removed]);
    // Not back to the client it came from (y-websocket's server echoes it): that client has its
    // own state, and with monitors acknowledging claims in awareness (claim.ts) the echo was a
    // write and a wake-up per acknowledgement for nothing.
    for (const ws of this.conns.keys()) if (ws !== origin) this.send(ws, message);
  };

  private encodeAwareness(clients: number[]): Uint8Array {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients));
    return encoding.toUint8Array(encoder);
  }

  private send(ws: WebSocket, message: Uint8Array): void {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(message, (error) => {
      if (error) ws.terminate();
    });
  }
}

function toUint8Array(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
