// The quick way to a TomlTable for a manifest that is valid: smol-toml (a few times faster than
// toml-eslint-parser and a fraction of its memory: a 4 MB manifest took 3 s and 1.2 GB through
// the positioned AST) and no positions. Positions are needed only to report a problem, so
// parse-manifest.ts uses this first and, at the first problem, reads the file again through
// toml-tree.ts and reports from there: the answer is always the positioned parser's.
//
// Null (take the slow path) for anything where the two parsers could disagree: TOML 1.1
// syntax smol-toml accepts but the manifest's TOML 1.0 does not (newlines or a trailing comma
// in an inline table, \x and \e escapes, times without seconds, non-ASCII bare keys), dates
// (no manifest field takes one), and keys a JS object would reorder or treat specially.
import { parse } from 'smol-toml';
import type { TomlNode, TomlTable } from './toml-tree';
import type { TomlPosition } from './toml-position';

/** Every node shares it: nothing reads a position from a tree that produced no problem. */
const NOWHERE: TomlPosition = Object.freeze({ line: 0, column: 0 });
const INDEX_LIKE_KEY = /^(?:0|[1-9]\d*)$/;

export function parseTomlTreeFast(text: string): TomlTable | null {
  if (!isPlainToml10(text)) return null;
  let value: Record<string, unknown>;
  try {
    value = parse(text, { integersAsBigInt: true });
  } catch {
    return null;
  }
  return convertTable(value);
}

function convertTable(value: Record<string, unknown>): TomlTable | null {
  const entries = new Map<string, { keyPos: TomlPosition; node: TomlNode }>();
  for (const key of Object.keys(value)) {
    if (INDEX_LIKE_KEY.test(key) || key === '__proto__') return null;
    const node = convert(value[key]);
    if (!node) return null;
    entries.set(key, { keyPos: NOWHERE, node });
  }
  return { type: 'table', entries, pos: NOWHERE };
}

function convert(value: unknown): TomlNode | null {
  switch (typeof value) {
    case 'string':
      return { type: 'string', value, pos: NOWHERE };
    case 'bigint':
      return { type: 'integer', value: Number(value), pos: NOWHERE };
    case 'number':
      return { type: 'float', value, pos: NOWHERE };
    case 'boolean':
      return { type: 'boolean', value, pos: NOWHERE };
  }
  if (Array.isArray(value)) {
    const items: TomlNode[] = [];
    for (const item of value) {
      const node = convert(item);
      if (!node) return null;
      items.push(node);
    }
    return { type: 'array', items, pos: NOWHERE };
  }
  // smol-toml builds tables without a prototype; anything else is a date or time.
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === null) return convertTable(value as Record<string, unknown>);
  return null;
}

const NEWLINE = 10;
const QUOTE = 34;
const APOSTROPHE = 39;
const BACKSLASH = 92;
const HASH = 35;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const COMMA = 44;
const COLON = 58;

/**
 * One pass over the text outside strings and comments: false at the first sign of TOML 1.1
 * syntax or of a date/time value (a colon outside a string is one). False is always safe.
 */
function isPlainToml10(text: string): boolean {
  let braces = 0;
  let lastSignificant = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === HASH) {
      if (braces > 0) return false;
      const end = text.indexOf('\n', i);
      if (end < 0) return true;
      i = end - 1;
      continue;
    }
    if (c === QUOTE || c === APOSTROPHE) {
      const triple = text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c;
      const end = triple ? endOfMultiline(text, i + 3, c) : endOfString(text, i + 1, c);
      if (end < 0) return false;
      i = end;
      lastSignificant = c;
      continue;
    }
    if (c === NEWLINE && braces > 0) return false;
    if (c === OPEN_BRACE) braces++;
    else if (c === CLOSE_BRACE) {
      if (lastSignificant === COMMA) return false;
      braces--;
    } else if (c === COLON || c > 127) return false;
    if (c > 32) lastSignificant = c;
  }
  return true;
}

/** Index of the closing quote of a one-line string opened before `from`, or -1 (also for \x, \e). */
function endOfString(text: string, from: number, quote: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === NEWLINE) return -1;
    if (c === quote) return i;
    if (c === BACKSLASH && quote === QUOTE) {
      const next = text.charCodeAt(i + 1);
      if (next === 120 || next === 101) return -1; // \x, \e: TOML 1.1 only
      i++;
    }
  }
  return -1;
}

/** Index of the last quote of a multi-line string (up to two quotes may end its content), or -1. */
function endOfMultiline(text: string, from: number, quote: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH && quote === QUOTE) {
      const next = text.charCodeAt(i + 1);
      if (next === 120 || next === 101) return -1;
      i++;
      continue;
    }
    if (c === quote && text.charCodeAt(i + 1) === quote && text.charCodeAt(i + 2) === quote) {
      let end = i + 2;
      while (end + 1 < text.length && text.charCodeAt(end + 1) === quote && end - i < 4) end++;
      return end;
    }
  }
  return -1;
}
