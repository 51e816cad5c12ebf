// What runs inside the log-write thread (LogWriteThread starts it). It must be self-contained:
// the thread is started from this function's source text (`toString()`), so it works the same
// under tsx, vitest and the bundled app, and may use only its parameters and the globals of a
// worker. The layout and record kinds come in `workerData` (log-write-ring.ts, their one home).
//
// The loop: take the next record from the shared ring; LINES records are formatted by the
// WebAssembly function straight from the ring into the output area (prefix before each line),
// RAW ones copied; the output leaves in one write per MiB, per file switch, or when the ring is
// empty, so bytes reach the OS within about a millisecond of being queued. The read position is
// published only after the bytes before it were written, so `queuedBytes` on the main thread
// never counts as written what the OS has not got. With nothing to do it sleeps in Atomics.wait.
import type * as Fs from 'node:fs';
import type * as Threads from 'node:worker_threads';
import type { PrefixLines, WasmApi, WasmMemory } from './line-prefix-wasm';
import type { LogWriteLayout } from './log-write-ring';

/** Not called directly: LogWriteThread runs its source text in a worker. */
export function logWriteThreadBody(fs: typeof Fs, threads: typeof Threads): void {
  const port = threads.parentPort!;
  const { memory, wasm, layout } = threads.workerData as { memory: WasmMemory; wasm: Uint8Array; layout: LogWriteLayout };
  const { WebAssembly } = globalThis as unknown as { WebAssembly: WasmApi };
  const { control, ring, out, outBytes, kinds, slots, header, lingerMs } = layout;
  const buffer = memory.buffer as SharedArrayBuffer;
  const ints = new Int32Array(buffer);
  const bytes = new Uint8Array(buffer);
  const prefixLines = new WebAssembly.Instance(new WebAssembly.Module(wasm), { log: { memory } }).exports.prefixLines as PrefixLines;
  const decoder = new TextDecoder();
  const fds = new Map<number, number>();
  const failed = new Set<number>();
  const controlIndex = control >> 2;
  let read = 0; // ring position of the next record
  let consumed = 0; // bytes of records taken since start (the main thread counts the same)
  let published = 0;
  let outFile = -1;
  let outEnd = out;

  const fail = (file: number, error: unknown): void => {
    failed.add(file);
    const fd = fds.get(file);
    fds.delete(file);
    try {
      if (fd !== undefined) fs.closeSync(fd);
    } catch {
      // the file failed already; its descriptor is gone either way
    }
    port.postMessage({ type: 'error', file, message: error instanceof Error ? error.message : String(error) });
  };
  const flush = (): void => {
    if (outEnd > out && outFile >= 0 && !failed.has(outFile)) {
      const fd = fds.get(outFile);
      try {
        for (let at = out; at < outEnd; ) at += fs.writeSync(fd!, bytes, at, outEnd - at);
      } catch (error) {
        fail(outFile, error);
      }
    }
    outEnd = out;
    outFile = -1;
  };
  /** Everything taken so far is written: the main thread may count it as such. */
  const publish = (): void => {
    Atomics.store(ints, controlIndex + slots.read, read);
    if (consumed === published) return;
    published = consumed;
    port.postMessage({ type: 'progress', consumed });
  };

  const writeSlot = controlIndex + slots.write;
  const sleepingSlot = controlIndex + slots.sleeping;
  let outSince = 0; // when the oldest byte in the output area was taken
  for (;;) {
    const write = Atomics.load(ints, writeSlot);
    if (write === read) {
      // Caught up. Output younger than `lingerMs` waits that long for more, so a flood read in
      // small pieces still leaves in few large writes; then it is written and we sleep.
      const age = performance.now() - outSince;
      if (outEnd > out && age < lingerMs) {
        // Not marked sleeping: the main thread does not pay a wake-up per record meanwhile.
        Atomics.wait(ints, writeSlot, write, lingerMs - age);
        continue;
      }
      flush();
      publish();
      Atomics.store(ints, sleepingSlot, 1); // from here a new record wakes us
      Atomics.wait(ints, writeSlot, write);
      Atomics.store(ints, sleepingSlot, 0);
      continue;
    }
    const at = ring + read;
    const h = at >> 2;
    const length = ints[h + header.length];
    const kind = ints[h + header.kind];
    if (kind === kinds.wrap) {
      read = 0; // the rest of the ring was padding (not counted on the main thread either)
      continue;
    }
    const file = ints[h + header.file];
    consumed += length;
    read += length;
    if (kind === kinds.exit) {
      flush();
      for (const fd of fds.values()) fs.closeSync(fd);
      fds.clear();
      publish();
      process.exit(0); // ends this thread only
    }
    const dataLength = ints[h + header.dataLength];
    const prefixLength = ints[h + header.prefixLength];
    const count = ints[h + header.count];
    const prefixAt = at + header.bytes;
    const newlinesAt = prefixAt + ((prefixLength + 7) & ~7);
    const dataAt = newlinesAt + ((count * 4 + 7) & ~7);
    if (kind === kinds.open) {
      try {
        fds.set(file, fs.openSync(decoder.decode(bytes.slice(dataAt, dataAt + dataLength)), 'a', 0o644));
        port.postMessage({ type: 'opened', file });
      } catch (error) {
        fail(file, error);
      }
      continue;
    }
    if (kind === kinds.close) {
      if (outFile === file) flush();
      const fd = fds.get(file);
      fds.delete(file);
      failed.delete(file);
      if (fd !== undefined) {
        try {
          fs.closeSync(fd);
        } catch {
          // closing a file we wrote cannot lose anything the OS already has
        }
      }
      publish(); // what was queued before the close is written
      port.postMessage({ type: 'closed', file });
      continue;
    }
    if (failed.has(file)) continue;
    const size = kind === kinds.lines ? dataLength + count * prefixLength : dataLength;
    if (outFile !== file || outEnd + size > out + outBytes) flush();
    if (outEnd === out) outSince = performance.now();
    outFile = file;
    if (kind === kinds.lines) {
      const start = ints[h + header.start];
      outEnd = prefixLines(dataAt - start, newlinesAt, count, start, prefixAt, prefixLength, outEnd);
    } else {
      bytes.copyWithin(outEnd, dataAt, dataAt + dataLength);
      outEnd += dataLength;
    }
    // Written at once when it fills the area; publishing every MiB wakes producers waiting for room.
    if (outEnd - out >= outBytes / 2) {
      flush();
      publish();
    }
  }
}
