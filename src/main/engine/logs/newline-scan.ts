// Where the newlines of one chunk of output are. Found once per chunk (one native search per
// line) and shared by the ring's line index and the file writer's prefixes, which both need
// every line start; a scan is valid until the next one (it reuses its array).
const NEWLINE = 10;

export class NewlineScan {
  /** Positions of the newlines, ascending; only the first `count` are meaningful. */
  positions = new Int32Array(1024);
  count = 0;

  /** Finds the newlines in `bytes[from, to)`; returns this. */
  scan(bytes: Uint8Array, from = 0, to = bytes.length): this {
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let count = 0;
    let positions = this.positions;
    for (let p = buffer.indexOf(NEWLINE, from); p !== -1 && p < to; p = buffer.indexOf(NEWLINE, p + 1)) {
      if (count === positions.length) {
        const grown = new Int32Array(positions.length * 2);
        grown.set(positions);
        this.positions = positions = grown;
      }
      positions[count++] = p;
    }
    this.count = count;
    return this;
  }
}

/** The scan callers share when they do not bring their own (one thread, used synchronously). */
export const sharedNewlineScan = new NewlineScan();
