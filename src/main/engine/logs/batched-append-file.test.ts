import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatchedAppendFile } from './batched-append-file';

describe('BatchedAppendFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-append-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes text and bytes in order across many buffers, appending to what is there', async () => {
    const path = join(dir, 'out.log');
    const first = new BatchedAppendFile(path, { maxQueuedBytes: Infinity, onError: (error) => expect.fail(error.message) });
    first.writeLatin1('start\n');
    await first.close();
    const file = new BatchedAppendFile(path, { maxQueuedBytes: Infinity, onError: (error) => expect.fail(error.message) });
    const big = 'é'.repeat(300_000); // 600 kB of UTF-8: spans several pooled buffers
    const bytes = Buffer.from(big);
    file.writeBytes(bytes);
    file.writeLatin1('\nmiddle\n');
    file.writeLatin1('a'.repeat(700_000));
    await file.close();
    expect(await readFile(path, 'utf8')).toBe(`start\n${big}\nmiddle\n${'a'.repeat(700_000)}`);
  });

  it('refuses more than its queue limit until the disk has caught up', async () => {
    let written = 0;
    const file = new BatchedAppendFile(join(dir, 'out.log'), { maxQueuedBytes: 1000, onError: (error) => expect.fail(error.message), onWritten: () => written++ });
    expect(file.hasRoom(1000)).toBe(true);
    file.writeLatin1('x'.repeat(900));
    expect(file.hasRoom(200)).toBe(false);
    await file.close();
    expect(written).toBe(1);
    expect(file.queuedBytes).toBe(0);
  });

  it('reports an open failure once and still closes', async () => {
    const errors: Error[] = [];
    const file = new BatchedAppendFile(join(dir, 'missing', 'out.log'), { maxQueuedBytes: 1000, onError: (error) => errors.push(error) });
    file.writeLatin1('lost\n');
    await file.close();
    expect(errors.map((error) => (error as NodeJS.ErrnoException).code)).toEqual(['ENOENT']);
    expect(file.hasRoom(1)).toBe(false);
  });
});
