import { describe, expect, it } from 'vitest';
import { BufferPool } from './buffer-pool';

describe('BufferPool', () => {
  it('reuses released buffers, keeps at most maxBuffers, and only idleBuffers once idle', async () => {
    const pool = new BufferPool({ bufferBytes: 1024, maxBuffers: 3, idleBuffers: 1, idleMs: 20 });
    const taken = [pool.take(), pool.take(), pool.take(), pool.take()];
    pool.release([...taken, Buffer.alloc(10)]); // one too many, one of another size
    expect(pool.size).toBe(3);
    const again = pool.take();
    expect(taken).toContain(again); // the same memory, not a new allocation
    pool.release([again]);
    for (const deadline = Date.now() + 30_000; pool.size > 1; ) {
      if (Date.now() > deadline) throw new Error('the pool was never trimmed');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(pool.size).toBe(1);
    expect(pool.take().length).toBe(1024);
  });
});
