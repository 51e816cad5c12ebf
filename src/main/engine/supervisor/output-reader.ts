// The parent's end of a child's stdout or stderr, read straight into one reused buffer (net's
// `onread` option) instead of through a Readable stream. The stream path allocates a Buffer per
// 64 KiB read and runs the stream machinery per chunk; that alone held a chatty child to well
// under the speed of `child | cat`, and the garbage it left grew the daemon's RSS. Here a read
// takes up to `bufferBytes` and costs one callback.
//
// spawn cannot be given `onread`, so the pair is made by hand: a one-shot Unix socket server
// (abstract name on Linux, a file in the temp folder elsewhere) accepts our own connection,
// and the accepted end goes to the child as its stdout/stderr. That is what libuv's 'pipe'
// stdio is on Unix too (a socketpair), so the child sees no difference. On Windows `open`
// returns null and the launcher keeps Node's pipes.
//
// One buffer's worth per event-loop turn: libuv keeps reading a stream while it has data (up
// to 32 reads), so a flooding child could hold the loop for megabytes while another service's
// single line waits. Once a buffer's worth was read since the last pause (in one read or in
// several smaller ones, as a pipe fed in small writes gives them) we pause until the next turn.
import { randomBytes } from 'node:crypto';
import { unlink } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Read buffers of finished readers, reused by the next launch rather than left to the allocator. */
const spareBuffers: Buffer[] = [];
const MAX_SPARE_BUFFERS = 8;

export interface OutputReaderOptions {
  /** Largest single read; the data handed to `onData` is a view into it, valid only during the call. */
  bufferBytes?: number;
}

export class OutputReader {
  /** Give it to spawn's `stdio`, then call `releaseChildEnd()`. */
  readonly childEnd: Socket;
  /** Resolves once the child (and everything that inherited the end) closed it, or on an error. */
  readonly closed: Promise<void>;
  private readonly socket: Socket;
  /** Paused by the owner (backpressure) and by our own turn-taking, independently. */
  private pausedByOwner = false;
  private yielding = false;

  private constructor(socket: Socket, childEnd: Socket) {
    this.socket = socket;
    this.childEnd = childEnd;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {}); // a reset only ends the output; 'close' follows
  }

  /** A connected pair whose reading end calls `onData` per read; null where this is not supported. */
  static async open(onData: (data: Buffer) => void, { bufferBytes = 256 * 1024 }: OutputReaderOptions = {}): Promise<OutputReader | null> {
    if (process.platform === 'win32') return null;
    const name = `showrunner-${process.pid}-${randomBytes(6).toString('hex')}`;
    const path = process.platform === 'linux' ? `\0${name}` : join(tmpdir(), `${name}.sock`);
    const server = createServer({ pauseOnConnect: true });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(path, () => resolve());
      });
      const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
      const spare = spareBuffers.findIndex((candidate) => candidate.length === bufferBytes);
      const buffer = spare >= 0 ? spareBuffers.splice(spare, 1)[0] : Buffer.allocUnsafeSlow(bufferBytes);
      let reader: OutputReader | null = null;
      let thisTurn = 0;
      const socket = createConnection({
        path,
        onread: {
          buffer,
          callback: (bytes: number) => {
            onData(buffer.subarray(0, bytes));
            thisTurn += bytes;
            if (thisTurn >= buffer.length && reader) {
              thisTurn = 0;
              reader.yieldTurn();
            }
            return true;
          },
        },
      });
      // No read can come after 'close': the buffer is free for the next launch.
      socket.once('close', () => {
        if (spareBuffers.length < MAX_SPARE_BUFFERS) spareBuffers.push(buffer);
      });
      const connected = new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      });
      try {
        const [childEnd] = await Promise.all([accepted, connected]);
        reader = new OutputReader(socket, childEnd);
        return reader;
      } catch {
        socket.destroy();
        return null; // the launcher falls back to Node's pipes
      }
    } catch {
      return null;
    } finally {
      server.close();
      if (process.platform !== 'linux') unlink(path, () => {});
    }
  }

  /** Our copy of the child's end: close it once the child holds its own, so its exit ends the output. */
  releaseChildEnd(): void {
    this.childEnd.destroy();
  }

  pause(): void {
    this.pausedByOwner = true;
    this.socket.pause();
  }

  resume(): void {
    this.pausedByOwner = false;
    if (!this.yielding) this.socket.resume();
  }

  private yieldTurn(): void {
    if (this.yielding) return;
    this.yielding = true;
    this.socket.pause();
    setImmediate(() => {
      this.yielding = false;
      if (!this.pausedByOwner) this.socket.resume();
    });
  }

  /** Stops reading and closes both ends (a launch that failed). */
  destroy(): void {
    this.childEnd.destroy();
    this.socket.destroy();
  }
}
