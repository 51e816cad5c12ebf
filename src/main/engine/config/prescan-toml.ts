// A linear pass over services.toml before toml-eslint-parser sees it (issue 15). That parser
// builds every string and number with `String.fromCodePoint(...codePoints)`, which overflows
// the call stack past about 100,000 characters, so a 1 MB string value was reported as
// "nested too deeply". Here:
// - nesting depth is measured (outside strings and comments) and refused past MAX_NESTING with
//   the position of the bracket that goes too deep: real depth, and only real depth, is an error;
// - a string token longer than LONG_STRING is swapped for a short placeholder (same kind of
//   string, same number of lines, so later positions hold) and decoded by smol-toml, which
//   builds strings by slicing; toml-tree.ts puts the real value back;
// - a bare run (number, date, key) longer than MAX_BARE is refused: no valid one is that long.
import { randomBytes } from 'node:crypto';
import { parse as parseSmolToml } from 'smol-toml';
import type { TomlPosition } from './toml-position';

export const MAX_NESTING = 64;
const LONG_STRING = 1000;
const MAX_BARE = 1000;

export type PrescanResult =
  | { ok: true; text: string; restore: (value: string) => string }
  | { ok: false; pos: TomlPosition; message: string };

const BARE = /[A-Za-z0-9_+\-.:]/;

export function prescanToml(text: string): PrescanResult {
  const nonce = randomBytes(6).toString('hex');
  const originals = new Map<string, string>();
  const pieces: string[] = [];
  let copiedUpTo = 0;
  let depth = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '#') {
      const newline = text.indexOf('\n', i);
      i = newline === -1 ? n : newline;
      continue;
    }
    if (c === '"' || c === "'") {
      const triple = text.startsWith(c + c + c, i);
      const end = triple ? tripleEnd(text, i + 3, c) : singleEnd(text, i + 1, c);
      if (end === -1) break; // unterminated: the parser reports it at the right place
      const delimiter = triple ? 3 : 1;
      if (end - i - 2 * delimiter > LONG_STRING) {
        const token = text.slice(i, end);
        let value: string;
        try {
          value = (parseSmolToml(`v = ${token}`) as { v: string }).v;
        } catch (error) {
          const first = String((error as Error).message).split('\n')[0];
          return { ok: false, pos: positionAt(text, i), message: `in a string of ${token.length} characters: ${first}` };
        }
        const key = `\uE000${nonce}:${originals.size}\uE000`;
        originals.set(key, value);
        const lines = countNewlines(token);
        const quote = c.repeat(delimiter);
        pieces.push(text.slice(copiedUpTo, i), triple ? `${quote}${key}${'\n'.repeat(lines)}${quote}` : `${quote}${key}${quote}`);
        copiedUpTo = end;
      }
      i = end;
      continue;
    }
    if (c === '[' || c === '{') {
      depth++;
      if (depth > MAX_NESTING) return { ok: false, pos: positionAt(text, i), message: `nested more than ${MAX_NESTING} levels deep` };
    } else if (c === ']' || c === '}') {
      depth = Math.max(0, depth - 1);
    } else if (BARE.test(c)) {
      let end = i + 1;
      while (end < n && BARE.test(text[end])) end++;
      if (end - i > MAX_BARE) {
        return { ok: false, pos: positionAt(text, i), message: `a key or value of ${end - i} characters; at most ${MAX_BARE} outside quotes` };
      }
      i = end;
      continue;
    }
    i++;
  }
  if (originals.size === 0) return { ok: true, text, restore: (value) => value };
  pieces.push(text.slice(copiedUpTo));
  const restore = (value: string): string => {
    if (value.charCodeAt(0) !== 0xe000) return value;
    return originals.get(value.replace(/\n+$/, '')) ?? value;
  };
  return { ok: true, text: pieces.join(''), restore };
}

/** Index after the closing quote of a one-line string starting at `from`, or -1. */
function singleEnd(text: string, from: number, quote: string): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') return -1;
    if (c === '\\' && quote === '"') i++;
    else if (c === quote) return i + 1;
  }
  return -1;
}

/** Index after the closing `"""`/`'''` (which may follow one or two quotes of content), or -1. */
function tripleEnd(text: string, from: number, quote: string): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && quote === '"') {
      i++;
      continue;
    }
    if (c !== quote) continue;
    let run = 1;
    while (text[i + run] === quote) run++;
    if (run >= 3) return i + Math.min(run, 5);
    i += run - 1;
  }
  return -1;
}

function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

function positionAt(text: string, offset: number): TomlPosition {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return { line: countNewlines(text.slice(0, lineStart)) + 1, column: offset - lineStart + 1 };
}
