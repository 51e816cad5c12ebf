// Kernels talk over pipes in records: JSON lines (python-kernel.ts), NUL-ended input requests
// (bash-cell-runner.ts). A chunk may end mid-record, so the tail waits for the next chunk.
import type { Readable } from 'node:stream';

/** Calls `onRecord` with each `separator`-ended record the stream carries (UTF-8, separator left off). */
export function readRecords(stream: Readable, separator: string, onRecord: (record: string) => void): void {
  let buffered = '';
  stream.setEncoding('utf8').on('data', (text: string) => {
    buffered += text;
    let end: number;
    while ((end = buffered.indexOf(separator)) !== -1) {
      const record = buffered.slice(0, end);
      buffered = buffered.slice(end + separator.length);
      onRecord(record);
    }
  });
}
