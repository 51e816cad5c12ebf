import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/helpers/wait-for';
import type { AppendFile } from './append-file';
import { BatchedAppendFile } from './batched-append-file';
import { logWriteLayout, recordBytes, THREAD_HIGH_WATER_BYTES } from './log-write-ring';
import { LogWriteThread } from './log-write-thread';
import { NewlineScan } from './newline-scan';
import { MAX_RECORD_DATA, MAX_RECORD_LINES } from './thread-append-file';

/** The same calls on any AppendFile: prefixed lines, raw bytes, and the edge cases of records. */
function writeSample(file: AppendFile, seed: number): void {
  const prefix = Buffer.from(`2026-01-31T12:00:00.00${seed}Z [stdout] `);
  const lines = (text: string, from = 0): void => {
    const bytes = Buffer.from(text);
    const scan = new NewlineScan().scan(bytes, from);
    file.writeLines(prefix, bytes, from, scan.positions[scan.count - 1] + 1, scan);
  };
  lines(`one ${seed}\ntwo\n\nthree é ✓\n`);
  lines(`skipped head\nafter the head ${seed}\n`, 'skipped head\n'.length); // from inside the buffer
  file.writeLatin1(`raw latin1 ${seed}\n`);
  file.writeBytes(Buffer.from(`raw bytes ✓ ${seed}\n`));
  lines(`${'x'.repeat(MAX_RECORD_DATA + 1000)}\nshort after long\n`); // a line longer than a record
  lines(Array.from({ length: MAX_RECORD_LINES * 2 + 5 }, (_, i) => `l${i}`).join('\n') + '\n'); // more lines than a record
  file.writeBytes(Buffer.alloc(MAX_RECORD_DATA * 2 + 7, 0x61)); // raw bytes longer than a record
  file.writeLatin1('\n');
}

describe('the default layout', () => {
  // LogStore pauses a producer past THREAD_HIGH_WATER_BYTES of queued output; the records that
  // make it up (plus the read that crossed the line) must fit the ring, or they spill into the
  // overflow list as copies, which is what the larger ring is for.
  it.each([1, 80, 4096])('holds a whole high water of %i-byte lines in its ring', (lineBytes) => {
    const layout = logWriteLayout();
    const prefix = new Uint8Array('2026-12-05T13:50:08.123Z [stdout] '.length); // the §8 prefix
    const linesPerRecord = Math.min(MAX_RECORD_LINES, Math.floor(MAX_RECORD_DATA / lineBytes));
    const record = { kind: layout.kinds.lines, file: 1, prefix, count: linesPerRecord, data: new Uint8Array(linesPerRecord * lineBytes) };
    const outputPerRecord = record.data.length + linesPerRecord * prefix.length;
    const records = Math.ceil((THREAD_HIGH_WATER_BYTES + MAX_RECORD_DATA) / outputPerRecord) + 1;
    expect(records * recordBytes(layout, record) + layout.header.bytes).toBeLessThanOrEqual(layout.ringBytes);
  });
});

describe('LogWriteThread', () => {
  let dir: string;
  const threads: LogWriteThread[] = [];
  const start = (...args: ConstructorParameters<typeof LogWriteThread>): LogWriteThread => {
    const thread = new LogWriteThread(...args);
    threads.push(thread);
    return thread;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-log-thread-'));
  });
  afterEach(async () => {
    await Promise.all(threads.splice(0).map((thread) => thread.stop()));
    await rm(dir, { recursive: true, force: true });
  });

  it('writes byte for byte what the main-thread file writes, for several files at once', async () => {
    const errors: Error[] = [];
    const reference = new BatchedAppendFile(join(dir, 'reference.log'), { maxQueuedBytes: Infinity, onError: (error) => errors.push(error) });
    writeSample(reference, 0);
    await reference.close();
    const expected = await readFile(join(dir, 'reference.log'));

    const thread = start();
    const files = [1, 2, 3].map((n) => thread.open(join(dir, `thread-${n}.log`), { maxQueuedBytes: Infinity, onError: (error) => errors.push(error) }));
    // Interleaved, so records of different files alternate in the ring.
    for (const file of files) writeSample(file, 0);
    await Promise.all(files.map((file) => file.close()));
    expect(errors).toEqual([]);
    for (const n of [1, 2, 3]) expect((await readFile(join(dir, `thread-${n}.log`))).equals(expected)).toBe(true);
    expect(files.map((file) => file.queuedBytes)).toEqual([0, 0, 0]);
  });

  it('keeps order and content when the ring is full (records wait on the main thread)', async () => {
    // A ring far smaller than what is written at once (but room for the largest record).
    const thread = start(logWriteLayout(640 * 1024));
    const errors: Error[] = [];
    const files = [1, 2].map((n) => thread.open(join(dir, `small-${n}.log`), { maxQueuedBytes: Infinity, onError: (error) => errors.push(error) }));
    const prefix = Buffer.from('P ');
    const text = Buffer.from(Array.from({ length: 200_000 }, (_, i) => `line ${i}`).join('\n') + '\n');
    const scan = new NewlineScan().scan(text);
    for (const file of files) file.writeLines(prefix, text, 0, text.length, scan);
    expect(files[0].queuedBytes).toBe(text.length + 200_000 * prefix.length);
    await Promise.all(files.map((file) => file.close()));
    expect(errors).toEqual([]);
    const want = Array.from({ length: 200_000 }, (_, i) => `P line ${i}\n`).join('');
    for (const n of [1, 2]) expect(await readFile(join(dir, `small-${n}.log`), 'utf8')).toBe(want);
  });

  it('hands bytes to the OS without waiting for close, and says so through queuedBytes and onWritten', async () => {
    const thread = start();
    let written = 0;
    const file = thread.open(join(dir, 'open.log'), { maxQueuedBytes: Infinity, onError: () => {}, onWritten: () => written++ });
    file.writeBytes(Buffer.from('first\n'));
    expect(file.queuedBytes).toBe(6);
    await waitFor(() => file.queuedBytes, (queued) => queued === 0, { what: 'nothing queued' });
    expect(written).toBeGreaterThan(0);
    expect(await readFile(join(dir, 'open.log'), 'utf8')).toBe('first\n');
    await file.close();
  });

  it('reports a file that cannot be opened, and the others go on', async () => {
    const thread = start();
    const errors: string[] = [];
    const bad = thread.open(join(dir, 'missing', 'x.log'), { maxQueuedBytes: Infinity, onError: (error) => errors.push(error.message) });
    const good = thread.open(join(dir, 'good.log'), { maxQueuedBytes: Infinity, onError: (error) => errors.push(error.message) });
    bad.writeLatin1('lost\n');
    good.writeLatin1('kept\n');
    await waitFor(() => errors.length, (n) => n === 1, { what: 'one error' });
    expect(errors[0]).toMatch(/ENOENT/);
    expect(bad.hasRoom(1)).toBe(false);
    await Promise.all([bad.close(), good.close()]);
    expect(await readFile(join(dir, 'good.log'), 'utf8')).toBe('kept\n');
    expect(await readdir(dir)).toEqual(['good.log']);
  });

  it('holds a process open until its lines are written, and not after (no close needed)', async () => {
    // A process that logs, rotates (which closes a file in the thread) and ends without closing
    // its store: it must exit by itself, and only after every line is in the files.
    const script = `
      const loaded = await import(${JSON.stringify(join(import.meta.dirname, 'log-store.ts'))});
      const { LogStore } = loaded.LogStore ? loaded : loaded.default;
      let now = Date.UTC(2026, 0, 31, 12);
      const store = new LogStore({ logDir: process.env.LOG_DIR, now: () => now });
      store.beginLaunch('svc');
      for (let i = 0; i < 3000; i++) store.write('svc', 'stdout', 'first ' + i + '\\n');
      now += 5000;
      store.beginLaunch('svc', { restart: true });
      for (let i = 0; i < 3000; i++) store.write('svc', 'stdout', 'second ' + i + '\\n');
      // And a file whose close is the last thing the thread does.
      const thread = await import(${JSON.stringify(join(import.meta.dirname, 'log-write-thread.ts'))});
      const { LogWriteThread } = thread.LogWriteThread ? thread : thread.default;
      const file = new LogWriteThread().open(process.env.LOG_DIR + '/last.log', { maxQueuedBytes: 1e6, onError: () => process.exit(3) });
      file.writeLatin1('last\\n');
      void file.close();
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: join(import.meta.dirname, '../../../..'),
      env: { ...process.env, LOG_DIR: dir },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // A thread that kept the process alive would make this wait fail by the test's timeout.
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await exited;
    clearTimeout(timer);
    expect(code).toBe(0);
    expect(await readFile(join(dir, 'last.log'), 'utf8')).toBe('last\n');
    const names = (await readdir(join(dir, 'svc'))).sort();
    expect(names).toEqual(['svc-20260131-120000.log', 'svc-20260131-120005.log']);
    const count = async (name: string): Promise<number> => (await readFile(join(dir, 'svc', name), 'utf8')).split('\n').filter(Boolean).length;
    expect([await count(names[0]), await count(names[1])]).toEqual([3000, 3000]);
  });

  it('lines a daemon wrote are on disk when it is killed (SIGKILL) without closing anything', async () => {
    // A separate process as the daemon: it writes through a LogStore and says when its file
    // queue is empty; we kill it there, before any close or exit handler could write.
    const script = `
      const loaded = await import(${JSON.stringify(join(import.meta.dirname, 'log-store.ts'))});
      const { LogStore } = loaded.LogStore ? loaded : loaded.default;
      const store = new LogStore({ logDir: process.env.LOG_DIR });
      store.beginLaunch('svc');
      for (let i = 0; i < 5000; i++) store.write('svc', 'stdout', 'line ' + i + '\\n');
      const poll = () => (store.stats('svc').fileBytesQueued === 0 ? console.log('written') : setTimeout(poll, 1));
      poll();
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: join(import.meta.dirname, '../../../..'),
      env: { ...process.env, LOG_DIR: dir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`the writer exited (${code}) before it said written`)));
        createInterface({ input: child.stdout! }).on('line', (line) => line === 'written' && resolve());
      });
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const [name] = await readdir(join(dir, 'svc'));
    const lines = (await readFile(join(dir, 'svc', name), 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(5000);
    expect(lines[4999]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[stdout\] line 4999$/);
  });
});
