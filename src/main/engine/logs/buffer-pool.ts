// Equal-sized buffers reused instead of left to the allocator. A flood needs many at once (a
// file's queue and the batch in flight), and allocating them afresh per batch costs a mmap, a
// page fault per page and a munmap each; but a daemon should not keep a flood's worth of them
// for the rest of its life. So the pool holds up to `maxBuffers` while they are in use and,
// once none was taken or given back for `idleMs`, keeps only `idleBuffers`.

export interface BufferPoolOptions {
  bufferBytes: number;
  /** Most buffers kept while busy. */
  maxBuffers: number;
  /** Buffers kept once idle. */
  idleBuffers?: number;
  idleMs?: number;
}

export class BufferPool {
  readonly bufferBytes: number;
  private readonly maxBuffers: number;
  private readonly idleBuffers: number;
  private readonly idleMs: number;
  private readonly free: Buffer[] = [];
  private lastUsed = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor({ bufferBytes, maxBuffers, idleBuffers = 2, idleMs = 1000 }: BufferPoolOptions) {
    this.bufferBytes = bufferBytes;
    this.maxBuffers = maxBuffers;
    this.idleBuffers = Math.min(idleBuffers, maxBuffers);
    this.idleMs = idleMs;
  }

  /** Buffers waiting to be taken. */
  get size(): number {
    return this.free.length;
  }

  take(): Buffer {
    this.lastUsed = performance.now();
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.bufferBytes);
  }

  /** Buffers of another size are left to the garbage collector. */
  release(buffers: Iterable<Buffer>): void {
    this.lastUsed = performance.now();
    for (const buffer of buffers) if (this.free.length < this.maxBuffers && buffer.length === this.bufferBytes) this.free.push(buffer);
    if (this.free.length > this.idleBuffers) this.armTrim(this.idleMs);
  }

  private armTrim(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const idleFor = performance.now() - this.lastUsed;
      if (idleFor < this.idleMs) return this.armTrim(this.idleMs - idleFor);
      this.free.length = Math.min(this.free.length, this.idleBuffers);
    }, ms);
    this.timer.unref();
  }
}
