// One process's recent output, bounded in bytes (STYLE.md §7). Raw bytes (ANSI kept) are copied
// into fixed-size blocks that are recycled when the oldest is evicted, so a chatty process costs
// no allocation once the ring is full and memory never depends on how output was chunked.
// Beside the bytes sits an index of line starts (offset, time, stream) in typed arrays; the hot
// path only searches for newline bytes. Text is decoded when someone reads, always on character
// boundaries, so a character split between two writes is never shown as U+FFFD.
import type { LogLine, LogStream } from '../../../shared/model';
import { incompleteUtf8Tail } from './incomplete-utf8-tail';
import { sharedNewlineScan, type NewlineScan } from './newline-scan';

const STREAMS: readonly LogStream[] = ['stdout', 'stderr', 'system'];
const STREAM_CODE: Record<LogStream, number> = { stdout: 0, stderr: 1, system: 2 };
/**
 * A ring starts this small and grows to its block size as output comes: most services say a
 * few lines, and a thousand idle services must not cost a full block and index each.
 */
const FIRST_BLOCK_BYTES = 1024;
const FIRST_INDEX_LINES = 16;

export interface LogRingOptions {
  /** Output bytes kept; the ring never holds more than this plus one block. */
  maxBytes?: number;
  /** Line-index entries kept (17 bytes each); past it the oldest lines go even if bytes fit. */
  maxLines?: number;
}

/** Where a reader stands: a byte offset and how many lines started before it. */
export interface LogCursor {
  offset: number;
  line: number;
}

export interface LogRead {
  /** UTF-8 text, never cut inside a character. */
  data: string;
  /** Lines this read skipped: evicted before the reader saw them, or over its byte budget. */
  dropped: number;
  /** Where `data` ends; read from here next time. */
  next: LogCursor;
}

export class LogRing {
  readonly maxBytes: number;
  /** Unit of storage and eviction. */
  readonly blockBytes: number;
  private readonly maxBlocks: number;
  private readonly maxLines: number;
  private readonly blocks: Buffer[] = [];
  private spare: Buffer | null = null;
  /** Bytes used in the last block. */
  private fill = 0;
  /** Offset of the first byte of `blocks[0]`. */
  private ringStart = 0;
  private total = 0;

  // Circular line index.
  private starts: Float64Array;
  private times: Float64Array;
  private streams: Uint8Array;
  private head = 0;
  private count = 0;
  private evicted = 0;
  /** The next byte starts a line (the last one ended with a newline, or nothing came yet). */
  private atLineStart = true;
  private lineStream = -1;

  constructor({ maxBytes = 2 * 1024 * 1024, maxLines }: LogRingOptions = {}) {
    if (!(maxBytes >= 1)) throw new RangeError(`maxBytes must be at least 1, got ${maxBytes}`);
    this.maxBytes = maxBytes;
    this.blockBytes = Math.max(64, Math.min(64 * 1024, Math.ceil(maxBytes / 8)));
    this.maxBlocks = Math.floor(maxBytes / this.blockBytes) + 1;
    this.maxLines = Math.max(16, maxLines ?? Math.floor(maxBytes / 16));
    const capacity = Math.min(FIRST_INDEX_LINES, this.maxLines);
    this.starts = new Float64Array(capacity);
    this.times = new Float64Array(capacity);
    this.streams = new Uint8Array(capacity);
  }

  /** Every byte ever written; offsets in cursors and chunks count from the first. */
  get totalBytes(): number {
    return this.total;
  }
  /** Lines evicted from the ring so far. */
  get droppedLines(): number {
    return this.evicted;
  }
  /** Bytes currently held (at most `maxBytes` plus one block). */
  get retainedBytes(): number {
    return this.blocks.length === 0 ? 0 : (this.blocks.length - 1) * this.blockBytes + this.fill;
  }
  /** Where readable output starts: the oldest line kept. */
  get firstOffset(): number {
    return this.readStart();
  }
  /** Lines currently readable. */
  get lineCount(): number {
    return this.count;
  }

  /** `newlines`: the chunk's newlines when the caller has scanned it already (LogStore shares one scan). */
  write(stream: LogStream, data: Uint8Array, at = Date.now(), newlines: NewlineScan = sharedNewlineScan.scan(data)): void {
    if (data.length === 0) return;
    const code = STREAM_CODE[stream];
    // Interleaved stdout and stderr: a line one stream left open ends where the other begins.
    if (!this.atLineStart && code !== this.lineStream) this.atLineStart = true;
    const { positions, count } = newlines;
    let k = 0;
    for (let src = 0; src < data.length; ) {
      if (this.blocks.length === 0 || this.fill === this.blockBytes) this.startBlock();
      const n = Math.min(this.blockBytes - this.fill, data.length - src);
      let block = this.blocks[this.blocks.length - 1];
      if (block.length < this.fill + n) block = this.growFirstBlock(this.fill + n);
      block.set(src === 0 && n === data.length ? data : data.subarray(src, src + n), this.fill);
      // Line starts in this piece; one that begins right after the chunk's last byte is left
      // to the next write, which knows its time and stream.
      const base = this.total - src; // offset of data[0]
      if (this.atLineStart) {
        this.pushLine(this.total, code, at);
        this.atLineStart = false;
      }
      let last = k;
      for (const end = src + n; last < count && positions[last] < end; ) last++;
      let lines = last - k;
      if (lines > 0 && positions[last - 1] + 1 === data.length) {
        this.atLineStart = true;
        lines--;
      }
      if (lines > 0) this.pushLines(positions, k, lines, base + 1, code, at);
      k = last;
      this.fill += n;
      this.total += n;
      src += n;
    }
  }

  /** Where readable output ends: the total, less a character still waiting for its last bytes. */
  end(): LogCursor {
    const available = this.total - this.readStart();
    const offset = this.total - incompleteUtf8Tail((back) => this.byteAt(this.total - 1 - back), available);
    return { offset, line: this.linesBefore(offset) };
  }

  /** The last `maxBytes` (cut at a line start when one falls inside); `dropped` = lines evicted so far. */
  tail(maxBytes = Infinity): LogRead {
    const end = this.end();
    const start = this.readStart();
    const from = end.offset - start <= maxBytes ? start : this.cutPoint(end.offset - maxBytes, end.offset);
    return { data: this.decode(from, end.offset), dropped: this.evicted, next: end };
  }

  /**
   * Everything after `cursor`, at most `maxBytes` of it (older lines are skipped and counted);
   * lines evicted since the cursor are counted too.
   */
  read(cursor: LogCursor, maxBytes = Infinity): LogRead {
    const end = this.end();
    let from = cursor.offset;
    let fromLine = cursor.line;
    let dropped = 0;
    if (from < this.readStart()) {
      dropped += Math.max(0, this.evicted - fromLine);
      from = this.readStart();
      fromLine = this.evicted;
    }
    if (end.offset - from > maxBytes) {
      const cut = this.cutPoint(end.offset - maxBytes, end.offset);
      const cutLine = this.linesBefore(cut);
      dropped += Math.max(0, cutLine - fromLine);
      from = cut;
    }
    if (from >= end.offset) return { data: '', dropped, next: from > end.offset ? cursor : end };
    return { data: this.decode(from, end.offset), dropped, next: end };
  }

  /** The last `n` lines (the one still open included), newline removed, ANSI kept. */
  lines(n: number): LogLine[] {
    const end = this.end().offset;
    const out: LogLine[] = [];
    for (let k = Math.max(0, this.count - n); k < this.count; k++) {
      const slot = (this.head + k) % this.starts.length;
      const start = this.starts[slot];
      const stop = k + 1 < this.count ? this.starts[(slot + 1) % this.starts.length] : end;
      if (stop <= start) continue;
      let text = this.decode(start, stop);
      if (text.endsWith('\n')) text = text.slice(0, text.endsWith('\r\n') ? -2 : -1);
      out.push({ at: this.times[slot], stream: STREAMS[this.streams[slot]], text });
    }
    return out;
  }

  /** Absolute count of line starts before `offset` (offsets older than the ring count as its start). */
  linesBefore(offset: number): number {
    return this.evicted + this.lowerBound(offset);
  }

  private readStart(): number {
    return this.count > 0 ? this.starts[this.head] : this.total;
  }

  private pushLine(offset: number, code: number, at: number): void {
    if (this.count === this.starts.length) {
      if (this.count < this.maxLines) this.growIndex();
      else this.dropLines(1);
    }
    // Not `%`: an integer division per line was a visible part of a flood's cost.
    let slot = this.head + this.count;
    if (slot >= this.starts.length) slot -= this.starts.length;
    this.starts[slot] = offset;
    this.times[slot] = at;
    this.streams[slot] = code;
    this.count++;
    this.lineStream = code;
  }

  /**
   * `n` line starts, `positions[first, first + n)` plus `shift`, sharing one time and stream: the
   * bulk of a flood, so one store per line and native fills for the rest.
   */
  private pushLines(positions: Int32Array, first: number, n: number, shift: number, code: number, at: number): void {
    if (n > this.maxLines) {
      // Lines that would be dropped before this call ends are counted, never stored.
      this.evicted += n - this.maxLines;
      first += n - this.maxLines;
      n = this.maxLines;
    }
    while (this.count + n > this.starts.length && this.starts.length < this.maxLines) this.growIndex();
    if (this.count + n > this.starts.length) this.dropLines(this.count + n - this.starts.length);
    const { starts, times, streams } = this;
    const capacity = starts.length;
    let slot = this.head + this.count;
    if (slot >= capacity) slot -= capacity;
    const beforeWrap = Math.min(n, capacity - slot);
    for (let i = 0; i < beforeWrap; i++) starts[slot + i] = positions[first + i] + shift;
    for (let i = beforeWrap; i < n; i++) starts[i - beforeWrap] = positions[first + i] + shift;
    times.fill(at, slot, slot + beforeWrap);
    streams.fill(code, slot, slot + beforeWrap);
    if (n > beforeWrap) {
      times.fill(at, 0, n - beforeWrap);
      streams.fill(code, 0, n - beforeWrap);
    }
    this.count += n;
    this.lineStream = code;
  }

  private dropLines(n: number): void {
    this.head += n;
    if (this.head >= this.starts.length) this.head -= this.starts.length;
    this.count -= n;
    this.evicted += n;
  }

  private growIndex(): void {
    const capacity = Math.min(this.starts.length * 2, this.maxLines);
    const starts = new Float64Array(capacity);
    const times = new Float64Array(capacity);
    const streams = new Uint8Array(capacity);
    for (let k = 0; k < this.count; k++) {
      const slot = (this.head + k) % this.starts.length;
      starts[k] = this.starts[slot];
      times[k] = this.times[slot];
      streams[k] = this.streams[slot];
    }
    this.starts = starts;
    this.times = times;
    this.streams = streams;
    this.head = 0;
  }

  private startBlock(): void {
    while (this.blocks.length >= this.maxBlocks) this.evictBlock();
    const size = this.blocks.length === 0 ? Math.min(FIRST_BLOCK_BYTES, this.blockBytes) : this.blockBytes;
    this.blocks.push(this.spare ?? Buffer.allocUnsafeSlow(size));
    this.spare = null;
    this.fill = 0;
  }

  /** Only the first block is ever short (see FIRST_BLOCK_BYTES); every later one is full size. */
  private growFirstBlock(needed: number): Buffer {
    const old = this.blocks[0];
    const grown = Buffer.allocUnsafeSlow(Math.min(this.blockBytes, Math.max(needed, old.length * 2)));
    old.copy(grown, 0, 0, this.fill);
    this.blocks[0] = grown;
    return grown;
  }

  private evictBlock(): void {
    this.spare = this.blocks.shift() ?? null;
    this.ringStart += this.blockBytes;
    // Every line that starts in the evicted block goes (one search, not one step per line).
    const gone = this.lowerBound(this.ringStart);
    const lastSlot = gone > 0 ? (this.head + gone - 1) % this.starts.length : -1;
    if (gone > 0) this.dropLines(gone);
    // A line longer than the whole ring: keep its newest part readable as a line of its own.
    if (this.count === 0 && lastSlot >= 0) {
      let start = this.ringStart;
      for (let skip = 0; skip < 3 && (this.byteAt(start) & 0xc0) === 0x80; skip++) start++;
      this.pushLine(start, this.streams[lastSlot], this.times[lastSlot]);
    }
  }

  /** The first line start at or after `offset` when one comes before `end`, else `offset` moved to a character start. */
  private cutPoint(offset: number, end: number): number {
    const k = this.lowerBound(offset);
    if (k < this.count) {
      const start = this.starts[(this.head + k) % this.starts.length];
      if (start < end) return start;
    }
    let cut = offset;
    for (let skip = 0; skip < 3 && cut < end && (this.byteAt(cut) & 0xc0) === 0x80; skip++) cut++;
    return cut;
  }

  /** Index (0 = oldest retained) of the first line starting at or after `offset`. */
  private lowerBound(offset: number): number {
    let low = 0;
    let high = this.count;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.starts[(this.head + mid) % this.starts.length] < offset) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private byteAt(offset: number): number {
    const relative = offset - this.ringStart;
    const index = Math.floor(relative / this.blockBytes);
    return this.blocks[index][relative - index * this.blockBytes];
  }

  private decode(from: number, to: number): string {
    if (to <= from) return '';
    const relative = from - this.ringStart;
    let index = Math.floor(relative / this.blockBytes);
    let position = relative - index * this.blockBytes;
    if (position + (to - from) <= this.blockBytes) return this.blocks[index].toString('utf8', position, position + (to - from));
    const pieces: Buffer[] = [];
    for (let left = to - from; left > 0; index++, position = 0) {
      const n = Math.min(left, this.blockBytes - position);
      pieces.push(this.blocks[index].subarray(position, position + n));
      left -= n;
    }
    return Buffer.concat(pieces).toString('utf8');
  }
}
