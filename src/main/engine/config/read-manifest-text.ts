// The bytes of services.toml as text. A missing or unreadable file, a file too large to be a
// manifest, or bytes that are not UTF-8 are problems at a position, like any other.
//
// Only a regular file is read (issue 15): a FIFO used to hang `check` and the watcher, and
// `/dev/zero` grew the read to gigabytes. The file is opened with O_NONBLOCK (so opening a FIFO
// with no writer returns at once), checked with fstat on that same handle (no race with a
// swapped path), and read at most MAX_MANIFEST_BYTES + 1 bytes, so a file still growing stays bounded.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { ManifestProblem } from '../../../shared/model';

/** Far above any hand-written manifest; keeps a mistaken path (a log, a disk image) cheap. */
export const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;

export type TextRead = { ok: true; text: string } | { ok: false; problem: ManifestProblem };

export async function readManifestText(file: string): Promise<TextRead> {
  const fail = (line: number, column: number, field: string, message: string): TextRead => ({
    ok: false,
    problem: { file, line, column, field, message },
  });
  let bytes: Buffer;
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const info = await handle.stat();
    if (info.isDirectory()) return fail(1, 1, 'file', 'is a directory, not a services.toml file');
    if (!info.isFile()) return fail(1, 1, 'file', `is ${kindOf(info)}, not a regular file; a manifest must be a regular file`);
    if (info.size > MAX_MANIFEST_BYTES) return fail(1, 1, 'file', `is ${info.size} bytes; a manifest may be at most ${MAX_MANIFEST_BYTES}`);
    bytes = await readBounded(handle, MAX_MANIFEST_BYTES + 1);
    if (bytes.length > MAX_MANIFEST_BYTES) return fail(1, 1, 'file', `grew past ${MAX_MANIFEST_BYTES} bytes while being read; a manifest may be at most that`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'no such file' : `cannot read: ${(error as Error).message}`;
    return fail(1, 1, 'file', message);
  } finally {
    await handle?.close();
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    const before = bytes.subarray(0, bad).toString('utf8');
    const lines = before.split(/\r\n|\n|\r/);
    const column = (lines[lines.length - 1]?.length ?? 0) + 1;
    const hex = bytes[bad].toString(16).padStart(2, '0');
    return fail(lines.length, column, 'encoding', `invalid UTF-8 (byte 0x${hex}); save the file as UTF-8`);
  }
  return { ok: true, text: bytes.toString('utf8') };
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence, or -1. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    let length: number;
    let min: number;
    if (lead < 0x80) {
      i++;
      continue;
    } else if (lead >= 0xc2 && lead <= 0xdf) [length, min] = [2, 0x80];
    else if (lead >= 0xe0 && lead <= 0xef) [length, min] = [3, 0x800];
    else if (lead >= 0xf0 && lead <= 0xf4) [length, min] = [4, 0x10000];
    else return i;
    if (i + length > bytes.length) return i;
    let codePoint = lead & (0xff >> (length + 1));
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if ((next & 0xc0) !== 0x80) return i;
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
    if (codePoint < min || (codePoint >= 0xd800 && codePoint <= 0xdfff) || codePoint > 0x10ffff) return i;
    i += length;
  }
  return -1;
}

function kindOf(info: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/** Reads until end of file or `limit` bytes, whichever comes first. */
async function readBounded(handle: FileHandle, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < limit) {
    const buffer = Buffer.alloc(Math.min(64 * 1024, limit - total));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) break;
    chunks.push(buffer.subarray(0, bytesRead));
    total += bytesRead;
  }
  return Buffer.concat(chunks, total);
}
