// Reads a small /proc file into one reused buffer. /proc files report size 0, so
// readFileSync allocates a fresh 64 KiB buffer per read (plus an fstat): at one stats tick per
// 5 s over every tree member that garbage was most of an idle supervisor's CPU.
import { closeSync, openSync, readSync } from 'node:fs';

let buffer = Buffer.allocUnsafe(4096);

/** The file's text (latin1); throws as readFileSync does (ENOENT for a gone process). */
export function readProcText(path: string): string {
  const fd = openSync(path, 'r');
  try {
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) return buffer.toString('latin1', 0, length);
      length += read;
    }
  } finally {
    closeSync(fd);
  }
}
