// Output arrives in pipe-sized pieces that may end in the middle of a UTF-8 character. Readers
// hold such a tail back until its last byte arrives, so decoding never yields U+FFFD for a
// character that was merely split between two writes.

/**
 * How many bytes at the end belong to a character whose last byte has not arrived (0–3).
 * `byteFromEnd(0)` is the last byte; `available` bounds how far back it may look.
 */
export function incompleteUtf8Tail(byteFromEnd: (back: number) => number, available: number): number {
  const limit = Math.min(available, 4);
  for (let back = 0; back < limit; back++) {
    const byte = byteFromEnd(back);
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: keep looking for the lead
    const length = byte < 0x80 ? 1 : byte >= 0xf0 && byte < 0xf8 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    const have = back + 1;
    return have < length ? have : 0;
  }
  // Only continuation bytes (or nothing): not valid UTF-8, so nothing is worth waiting for.
  return 0;
}

/** The same, for the end of one Buffer. */
export function incompleteUtf8TailOf(bytes: Uint8Array, end = bytes.length): number {
  return incompleteUtf8Tail((back) => bytes[end - 1 - back], end);
}
