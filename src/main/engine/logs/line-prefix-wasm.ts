// The log-write thread's inner loop as a tiny WebAssembly function, so that putting the §8
// prefix before each of millions of lines costs two inline `memory.copy`s per line instead of
// two calls into the JS engine's typed-array built-ins (those calls were most of the file
// path's CPU). Written out by hand (there is no compiler for it in the build); the text form:
//
//   (module
//     (import "log" "memory" (memory N N shared))
//     (func (export "prefixLines")
//       (param $base i32) (param $newlines i32) (param $count i32) (param $start i32)
//       (param $prefix i32) (param $prefixLength i32) (param $out i32) (result i32)
//       (local $k i32) (local $end i32)
//       ;; for each newline position p = newlines[k]: prefix, then base[start, p + 1)
//       block loop
//         local.get $k local.get $count i32.ge_u br_if 1
//         local.get $newlines local.get $k i32.const 2 i32.shl i32.add i32.load
//         i32.const 1 i32.add local.set $end
//         local.get $out local.get $prefix local.get $prefixLength memory.copy
//         local.get $out local.get $prefixLength i32.add local.set $out
//         local.get $out  local.get $base local.get $start i32.add  local.get $end local.get $start i32.sub  memory.copy
//         local.get $out local.get $end local.get $start i32.sub i32.add local.set $out
//         local.get $end local.set $start
//         local.get $k i32.const 1 i32.add local.set $k
//         br 0
//       end end
//       local.get $out))  ;; returns where the output ends

/** The part of the WebAssembly API used here (the project's TypeScript libs do not declare it). */
export interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
}
/** `prefixLines(base, newlines, count, start, prefix, prefixLength, out)`: where the output ends. */
export type PrefixLines = (base: number, newlines: number, count: number, start: number, prefix: number, prefixLength: number, out: number) => number;

/** Unsigned LEB128, as the binary format writes sizes and limits. */
function leb(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

function section(id: number, content: number[]): number[] {
  return [id, ...leb(content.length), ...content];
}

const I32 = 0x7f;
const name = (text: string): number[] => [...leb(text.length), ...Buffer.from(text, 'latin1')];
// Local indexes: parameters 0–6, then $k = 7, $end = 8.
const [BASE, NEWLINES, COUNT, START, PREFIX, PREFIX_LENGTH, OUT, K, END] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const get = (index: number): number[] => [0x20, index];
const set = (index: number): number[] => [0x21, index];
const MEMORY_COPY = [0xfc, 0x0a, 0x00, 0x00];
const [I32_ADD, I32_SUB, I32_SHL, I32_GE_U] = [0x6a, 0x6b, 0x74, 0x4f];
const i32 = (value: number): number[] => [0x41, value]; // small non-negative constants only

const body = [
  0x01, 0x02, I32, // locals: two i32
  0x02, 0x40, // block
  0x03, 0x40, // loop
  ...get(K), ...get(COUNT), I32_GE_U, 0x0d, 0x01, // br_if 1 (out of the block)
  ...get(NEWLINES), ...get(K), ...i32(2), I32_SHL, I32_ADD, 0x28, 0x02, 0x00, // i32.load align=4
  ...i32(1), I32_ADD, ...set(END),
  ...get(OUT), ...get(PREFIX), ...get(PREFIX_LENGTH), ...MEMORY_COPY,
  ...get(OUT), ...get(PREFIX_LENGTH), I32_ADD, ...set(OUT),
  ...get(OUT), ...get(BASE), ...get(START), I32_ADD, ...get(END), ...get(START), I32_SUB, ...MEMORY_COPY,
  ...get(OUT), ...get(END), ...get(START), I32_SUB, I32_ADD, ...set(OUT),
  ...get(END), ...set(START),
  ...get(K), ...i32(1), I32_ADD, ...set(K),
  0x0c, 0x00, // br 0 (next line)
  0x0b, 0x0b, // end loop, end block
  ...get(OUT),
  0x0b,
];

/** The module's bytes, importing a shared memory of exactly `pages` 64 KiB pages as `log.memory`. */
export function linePrefixWasm(pages: number): Uint8Array {
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x01, 0x60, 0x07, I32, I32, I32, I32, I32, I32, I32, 0x01, I32]),
    ...section(2, [0x01, ...name('log'), ...name('memory'), 0x02, 0x03, ...leb(pages), ...leb(pages)]),
    ...section(3, [0x01, 0x00]),
    ...section(7, [0x01, ...name('prefixLines'), 0x00, 0x00]),
    ...section(10, [0x01, ...leb(body.length), ...body]),
  ]);
}
