// The memory the main thread shares with the log-write thread: a few control words, a ring of
// records (one producer: the main thread; one consumer: the thread) and the thread's output
// area, all in one shared WebAssembly memory so the thread's formatter reads records in place.
//
// A record is 8-byte aligned: a header of eight int32 (length, kind, file, data length, prefix
// length, newline count, position of the data's first byte in the caller's buffer, unused),
// then the prefix, the newline positions (int32, as the caller's NewlineScan has them) and the
// data, each padded to 8. A record that does not fit before the ring's end leaves a WRAP there
// and starts at 0. The ring is never filled to the byte, so write === read means empty.

export interface LogWriteLayout {
  /** Byte offsets in the shared memory. */
  control: number;
  ring: number;
  ringBytes: number;
  out: number;
  outBytes: number;
  pages: number;
  kinds: { wrap: number; lines: number; raw: number; open: number; close: number; exit: number };
  /** Control words (int32 index from `control`); `sleeping`: the thread waits for a notify. */
  slots: { write: number; read: number; sleeping: number };
  /** Longest that formatted output waits in the thread for more before it is written. */
  lingerMs: number;
  /** Header fields (int32 index from a record's start) and its size in bytes. */
  header: { length: number; kind: number; file: number; dataLength: number; prefixLength: number; count: number; start: number; bytes: number };
}

const PAGE = 64 * 1024;

/**
 * How far a flooding process's file may fall behind its ring before the producer pauses (the
 * store's high water with the thread). The thread shares 2 cores with the producer and the child,
 * so it is descheduled for whole time slices; with 1.5 MiB the reader paused ~180 times per
 * 200 MB burst and the flood ran at 0.3× the pipe, with 6 MiB almost never and at ~0.5×.
 */
export const THREAD_HIGH_WATER_BYTES = 6 * 1024 * 1024;

/** Sized to hold the high water's records (data, plus 4 bytes per line) without overflow. */
export function logWriteLayout(ringBytes = 8 * 1024 * 1024, outBytes = 1024 * 1024): LogWriteLayout {
  const control = 0;
  const ring = 64;
  const out = ring + ringBytes;
  return {
    control,
    ring,
    ringBytes,
    out,
    outBytes,
    pages: Math.ceil((out + outBytes) / PAGE),
    kinds: { wrap: 0, lines: 1, raw: 2, open: 3, close: 4, exit: 5 },
    slots: { write: 0, read: 1, sleeping: 2 },
    lingerMs: 2,
    header: { length: 0, kind: 1, file: 2, dataLength: 3, prefixLength: 4, count: 5, start: 6, bytes: 32 },
  };
}

const pad = (n: number): number => (n + 7) & ~7;

export interface LogRecord {
  kind: number;
  file: number;
  /** Bytes before every line (LINES only). */
  prefix?: Uint8Array;
  /** Newline positions in `data`'s buffer (LINES only): entries [first, first + count). */
  newlines?: Int32Array;
  first?: number;
  count?: number;
  data?: Uint8Array;
  /** Where `data` starts in the caller's buffer (the newline positions count from there). */
  start?: number;
}

/** The size a record takes in the ring. */
export function recordBytes(layout: LogWriteLayout, record: LogRecord): number {
  return layout.header.bytes + pad(record.prefix?.length ?? 0) + pad((record.count ?? 0) * 4) + pad(record.data?.length ?? 0);
}

/** Writes `record` at byte `at` of `target` (8-aligned, at least recordBytes long); `ints` views the same memory. */
export function encodeRecord(layout: LogWriteLayout, target: Uint8Array, at: number, record: LogRecord, ints = new Int32Array(target.buffer, target.byteOffset, target.length >> 2)): void {
  const { header } = layout;
  const h = at >> 2;
  const prefixLength = record.prefix?.length ?? 0;
  const count = record.count ?? 0;
  ints[h + header.length] = recordBytes(layout, record);
  ints[h + header.kind] = record.kind;
  ints[h + header.file] = record.file;
  ints[h + header.dataLength] = record.data?.length ?? 0;
  ints[h + header.prefixLength] = prefixLength;
  ints[h + header.count] = count;
  ints[h + header.start] = record.start ?? 0;
  let offset = at + header.bytes;
  if (record.prefix) target.set(record.prefix, offset);
  offset += pad(prefixLength);
  if (count > 0) {
    const first = record.first ?? 0;
    ints.set(record.newlines!.subarray(first, first + count), offset >> 2);
  }
  offset += pad(count * 4);
  if (record.data) target.set(record.data, offset);
}

/** The producer's side of the ring. */
export class LogWriteRing {
  private readonly layout: LogWriteLayout;
  private readonly bytes: Uint8Array;
  private readonly ringInts: Int32Array;
  private readonly ints: Int32Array;
  private readonly writeSlot: number;
  private readonly readSlot: number;
  private readonly sleepingSlot: number;
  private write = 0;

  constructor(layout: LogWriteLayout, buffer: SharedArrayBuffer) {
    this.layout = layout;
    this.bytes = new Uint8Array(buffer, layout.ring, layout.ringBytes);
    this.ringInts = new Int32Array(buffer, layout.ring, layout.ringBytes >> 2);
    this.ints = new Int32Array(buffer);
    this.writeSlot = (layout.control >> 2) + layout.slots.write;
    this.readSlot = (layout.control >> 2) + layout.slots.read;
    this.sleepingSlot = (layout.control >> 2) + layout.slots.sleeping;
  }

  /** Whether the ring has room for `size` bytes now. */
  fits(size: number): boolean {
    const read = Atomics.load(this.ints, this.readSlot);
    const tail = this.layout.header.bytes; // room for a WRAP is kept at the end
    if (this.write >= read) return this.write + size + tail <= this.layout.ringBytes || size < read;
    return this.write + size < read;
  }

  /** Puts a record in (call `fits` first) and wakes the thread. */
  push(record: LogRecord, size = recordBytes(this.layout, record)): void {
    this.place(size, (at) => encodeRecord(this.layout, this.bytes, at, record, this.ringInts));
  }

  /** Puts an already encoded record in (call `fits` first). */
  pushEncoded(encoded: Uint8Array): void {
    this.place(encoded.length, (at) => this.bytes.set(encoded, at));
  }

  private place(size: number, fill: (at: number) => void): void {
    if (this.write + size + this.layout.header.bytes > this.layout.ringBytes) {
      this.ringInts[(this.write >> 2) + this.layout.header.kind] = this.layout.kinds.wrap;
      this.write = 0;
    }
    fill(this.write);
    this.write += size;
    Atomics.store(this.ints, this.writeSlot, this.write);
    if (Atomics.load(this.ints, this.sleepingSlot) === 1) Atomics.notify(this.ints, this.writeSlot);
  }
}
