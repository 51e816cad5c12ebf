// TOML parsed into a tree that keeps where every key and value sits in the source.
// smol-toml reports positions only for syntax errors, but a manifest problem such as a wrong
// type or an unknown key must point at its line and column too, so we read toml-eslint-parser's
// AST (which has `loc` on every node) and fold its tables, dotted keys and [[arrays]] into
// one nested structure like the plain value, with positions attached.
import { parseTOML, type AST } from 'toml-eslint-parser';
import { prescanToml } from './prescan-toml';
import type { TomlPosition } from './toml-position';

export interface TomlTable {
  type: 'table';
  entries: Map<string, TomlEntry>;
  /** The `{` of an inline table, the `[` of a header, or the key that implied the table. */
  pos: TomlPosition;
  /** Set when a `[header]` defines this table. */
  headerPos?: TomlPosition;
}

export interface TomlArray {
  type: 'array';
  items: TomlNode[];
  pos: TomlPosition;
}

export type TomlScalar =
  | { type: 'string'; value: string; pos: TomlPosition }
  | { type: 'integer'; value: number; pos: TomlPosition }
  | { type: 'float'; value: number; pos: TomlPosition }
  | { type: 'boolean'; value: boolean; pos: TomlPosition }
  | { type: 'datetime'; value: string; pos: TomlPosition };

export type TomlNode = TomlTable | TomlArray | TomlScalar;

export interface TomlEntry {
  keyPos: TomlPosition;
  node: TomlNode;
}

export type TomlParseResult =
  | { ok: true; root: TomlTable }
  | { ok: false; pos: TomlPosition; message: string };

export function parseTomlTree(rawText: string): TomlParseResult {
  const scan = prescanToml(rawText);
  if (!scan.ok) return scan;
  const { text, restore } = scan;
  let program: AST.TOMLProgram;
  try {
    // Gradi's Python reads the manifest with tomllib, which is TOML 1.0.
    program = parseTOML(text, { tomlVersion: '1.0' });
  } catch (error) {
    // prescan-toml.ts bounds depth and token length, so this is a safety net, not a diagnosis.
    if (error instanceof RangeError) return { ok: false, pos: { line: 1, column: 1 }, message: 'too large to read (a value too long or nested too deeply)' };
    const e = error as { lineNumber?: unknown; column?: unknown; message?: unknown };
    const line = typeof e.lineNumber === 'number' ? e.lineNumber : 1;
    const column = typeof e.column === 'number' ? e.column + 1 : 1;
    return { ok: false, pos: { line, column }, message: String(e.message ?? error) };
  }
  const root = newTable({ line: 1, column: 1 });
  for (const item of program.body[0].body) {
    if (item.type === 'TOMLKeyValue') addKeyValue(root, item, restore);
    else {
      const table = openHeaderTable(root, item, restore);
      for (const kv of item.body) addKeyValue(table, kv, restore);
    }
  }
  return { ok: true, root };
}

function newTable(pos: TomlPosition): TomlTable {
  return { type: 'table', entries: new Map(), pos };
}

function position(loc: AST.SourceLocation): TomlPosition {
  return { line: loc.start.line, column: loc.start.column + 1 };
}

/** Puts back a long string prescan-toml.ts swapped for a placeholder; others pass unchanged. */
type Restore = (value: string) => string;

function keyName(key: AST.TOMLBare | AST.TOMLQuoted, restore: Restore): string {
  return key.type === 'TOMLBare' ? key.name : restore(key.value);
}

/**
 * Walks `resolvedKey` (names and, for arrays of tables, element indices) from the root.
 * The parser has already rejected redefinitions, so a mismatch here cannot happen on valid
 * input; we still return a detached table rather than throw.
 */
function openHeaderTable(root: TomlTable, header: AST.TOMLTable, restore: Restore): TomlTable {
  const headerPos = position(header.loc);
  const keys = header.key.keys;
  const path = header.resolvedKey;
  let current: TomlNode = root;
  let keyIndex = 0;
  for (let i = 0; i < path.length; i++) {
    const segment = typeof path[i] === 'string' ? restore(path[i] as string) : path[i];
    const isLast = i === path.length - 1;
    if (typeof segment === 'number') {
      if (current.type !== 'array') return newTable(headerPos);
      let item: TomlNode | undefined = current.items[segment];
      if (!item) {
        item = newTable(headerPos);
        item.headerPos = headerPos;
        current.items[segment] = item;
      }
      current = item;
      continue;
    }
    if (current.type !== 'table') return newTable(headerPos);
    const keyNode = keys[keyIndex++];
    const keyPos = keyNode ? position(keyNode.loc) : headerPos;
    let entry = current.entries.get(segment);
    if (!entry) {
      const opensArray = header.kind === 'array' && i === path.length - 2;
      entry = { keyPos, node: opensArray ? { type: 'array', items: [], pos: headerPos } : newTable(keyPos) };
      current.entries.set(segment, entry);
    }
    current = entry.node;
    if (isLast && current.type === 'table') {
      current.pos = headerPos;
      current.headerPos = headerPos;
    }
  }
  return current.type === 'table' ? current : newTable(headerPos);
}

function addKeyValue(table: TomlTable, kv: AST.TOMLKeyValue, restore: Restore): void {
  const keys = kv.key.keys;
  let current = table;
  for (let i = 0; i < keys.length - 1; i++) {
    const name = keyName(keys[i], restore);
    let entry = current.entries.get(name);
    if (!entry) {
      entry = { keyPos: position(keys[i].loc), node: newTable(position(keys[i].loc)) };
      current.entries.set(name, entry);
    }
    if (entry.node.type !== 'table') return;
    current = entry.node;
  }
  const last = keys[keys.length - 1];
  if (!last) return;
  current.entries.set(keyName(last, restore), { keyPos: position(last.loc), node: convert(kv.value, restore) });
}

function convert(node: AST.TOMLContentNode, restore: Restore): TomlNode {
  const pos = position(node.loc);
  if (node.type === 'TOMLArray') return { type: 'array', items: node.elements.map((element) => convert(element, restore)), pos };
  if (node.type === 'TOMLInlineTable') {
    const table = newTable(pos);
    for (const kv of node.body) addKeyValue(table, kv, restore);
    return table;
  }
  switch (node.kind) {
    case 'string':
      return { type: 'string', value: restore(node.value), pos };
    case 'integer':
      return { type: 'integer', value: node.value, pos };
    case 'float':
      return { type: 'float', value: node.value, pos };
    case 'boolean':
      return { type: 'boolean', value: node.value, pos };
    default:
      return { type: 'datetime', value: node.datetime, pos };
  }
}
