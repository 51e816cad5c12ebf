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

  it('puts the prefix before every line, across buffers, for empty lines and for lines longer than a buffer', async () => {
    const path = join(dir, 'lines.log');
    const file = new BatchedAppendFile(path, { maxQueuedBytes: Infinity, onError: (error) => expect.fail(error.message) });
    const prefix = Buffer.from('2026-01-31T12:00:00.000Z [stdout] ');
    // Lengths chosen to land on every case: short, empty, near a buffer's size, over it.
    const lines = ['a', '', 'é'.repeat(40), 'x'.repeat(300_000), 'short', 'y'.repeat(131_000), 'z'.repeat(262_100), ...Array.from({ length: 20_000 }, (_, i) => `line ${i}`)];
    const chunk = Buffer.from(lines.map((line) => line + '\n').join(''));
    file.writeLatin1('before\n');
    expect(file.writeLines(prefix, chunk, 0, chunk.length)).toBe(lines.length);
    // Part of a chunk only, as the writer passes it (the head and tail belong to partial lines).
    const part = Buffer.from('tail of an old line\none\ntwo\nhead of the next');
    expect(file.writeLines(prefix, part, part.indexOf('\n') + 1, part.lastIndexOf('\n') + 1)).toBe(2);
    await file.close();
    const expected = 'before\n' + [...lines, 'one', 'two'].map((line) => `${prefix.toString()}${line}\n`).join('');
    expect(await readFile(path, 'utf8')).toBe(expected);
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
