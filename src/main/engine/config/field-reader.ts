// Reads typed values out of a positioned TOML tree and collects every problem on the way, so
// one pass over a manifest reports all of them, each at its own line and column. A reader
// returns `undefined` for a missing or bad value; callers fall back to defaults and go on.
import type { ManifestProblem } from '../../../shared/model';
import { didYouMean } from './did-you-mean';
import type { TomlNode, TomlTable } from './toml-tree';
import type { TomlPosition } from './toml-position';

/** setTimeout overflows above 2^31-1 ms (about 24.8 days) and fires at once. */
export const MAX_SECONDS = 2_147_483;

/** `services.api.health.port`; keys that are not bare TOML keys are quoted. */
export function fieldPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  const part = /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
  return parent ? `${parent}.${part}` : part;
}

/** "a string", "an integer", ... for "expected X, got Y". */
export function describeNode(node: TomlNode): string {
  switch (node.type) {
    case 'string':
      return 'a string';
    case 'integer':
      return 'an integer';
    case 'float':
      return 'a float';
    case 'boolean':
      return 'a boolean';
    case 'datetime':
      return 'a date-time';
    case 'array':
      return 'an array';
    default:
      return 'a table';
  }
}

export function quoteList(words: readonly string[]): string {
  return words.map((word) => `"${word}"`).join(', ');
}

export interface NumberRange {
  min?: number;
  max?: number;
  /** Greater than `min`, not equal. */
  exclusiveMin?: boolean;
}

export class FieldReader {
  readonly problems: ManifestProblem[] = [];

  constructor(readonly file: string) {}

  report(pos: TomlPosition, field: string, message: string): void {
    this.problems.push({ file: this.file, line: pos.line, column: pos.column, field, message });
  }

  /** Every key of `table` outside `allowed` is a problem at the key, with a suggestion. */
  checkKeys(table: TomlTable, path: string, allowed: readonly string[]): void {
    for (const [key, entry] of table.entries) {
      if (allowed.includes(key)) continue;
      this.report(entry.keyPos, fieldPath(path, key), `unknown key "${key}"${didYouMean(key, allowed)}`);
    }
  }

  /** The node at `key`; when absent and `requiredAt` is given, reports the missing key there. */
  node(table: TomlTable, path: string, key: string, requiredAt?: TomlPosition): TomlNode | undefined {
    const entry = table.entries.get(key);
    if (!entry && requiredAt) this.report(requiredAt, fieldPath(path, key), `missing required key "${key}"`);
    return entry?.node;
  }

  expect(node: TomlNode, field: string, wanted: string): void {
    this.report(node.pos, field, `expected ${wanted}, got ${describeNode(node)}`);
  }

  table(table: TomlTable, path: string, key: string): TomlTable | undefined {
    const node = this.node(table, path, key);
    if (!node) return undefined;
    if (node.type === 'table') return node;
    this.expect(node, fieldPath(path, key), 'a table');
    return undefined;
  }

  string(table: TomlTable, path: string, key: string, requiredAt?: TomlPosition): string | undefined {
    const node = this.node(table, path, key, requiredAt);
    return node ? this.stringValue(node, fieldPath(path, key)) : undefined;
  }

  /** A string that must not be empty or only whitespace. */
  stringValue(node: TomlNode, field: string): string | undefined {
    if (node.type !== 'string') {
      this.expect(node, field, 'a string');
      return undefined;
    }
    if (node.value.trim() === '') {
      this.report(node.pos, field, 'must not be empty');
      return undefined;
    }
    // A NUL cannot pass into a command line, a path or the environment: spawn would throw.
    if (node.value.includes('\0')) {
      this.report(node.pos, field, 'must not contain a NUL character (\\u0000)');
      return undefined;
    }
    return node.value;
  }

  boolean(table: TomlTable, path: string, key: string): boolean | undefined {
    const node = this.node(table, path, key);
    if (!node) return undefined;
    if (node.type === 'boolean') return node.value;
    this.expect(node, fieldPath(path, key), 'true or false');
    return undefined;
  }

  integer(table: TomlTable, path: string, key: string, range: NumberRange = {}): number | undefined {
    const node = this.node(table, path, key);
    return node ? this.integerValue(node, fieldPath(path, key), range) : undefined;
  }

  integerValue(node: TomlNode, field: string, range: NumberRange = {}): number | undefined {
    if (node.type !== 'integer') {
      this.expect(node, field, 'an integer');
      return undefined;
    }
    return this.inRange(node, field, node.value, range) ? node.value : undefined;
  }

  /** An integer or a float, as written. */
  number(table: TomlTable, path: string, key: string, range: NumberRange = {}): number | undefined {
    const node = this.node(table, path, key);
    if (!node) return undefined;
    const field = fieldPath(path, key);
    if (node.type !== 'integer' && node.type !== 'float') {
      this.expect(node, field, 'a number');
      return undefined;
    }
    return this.inRange(node, field, node.value, range) ? node.value : undefined;
  }

  /** Seconds as an integer or a float, returned in whole milliseconds. */
  seconds(table: TomlTable, path: string, key: string, range: NumberRange = {}): number | undefined {
    const node = this.node(table, path, key);
    if (!node) return undefined;
    const field = fieldPath(path, key);
    if (node.type !== 'integer' && node.type !== 'float') {
      this.expect(node, field, 'a number of seconds');
      return undefined;
    }
    const bounded = { min: 0, max: MAX_SECONDS, ...range };
    return this.inRange(node, field, node.value, bounded) ? Math.round(node.value * 1000) : undefined;
  }

  /** One of `choices`; an unknown word is quoted together with the choices. */
  word<T extends string>(table: TomlTable, path: string, key: string, choices: readonly T[]): T | undefined {
    const node = this.node(table, path, key);
    if (!node) return undefined;
    const field = fieldPath(path, key);
    if (node.type !== 'string') {
      this.expect(node, field, `one of ${quoteList(choices)}`);
      return undefined;
    }
    if ((choices as readonly string[]).includes(node.value)) return node.value as T;
    this.report(
      node.pos,
      field,
      `"${node.value}" is not one of ${quoteList(choices)}${didYouMean(node.value, choices)}`,
    );
    return undefined;
  }

  /** An array; each element goes through `item`, which returns undefined for a bad one. */
  array<T>(
    table: TomlTable,
    path: string,
    key: string,
    item: (node: TomlNode, field: string) => T | undefined,
  ): T[] | undefined {
    const node = this.node(table, path, key);
    if (!node) return undefined;
    const field = fieldPath(path, key);
    if (node.type !== 'array') {
      this.expect(node, field, 'an array');
      return undefined;
    }
    const values: T[] = [];
    node.items.forEach((element, index) => {
      const value = item(element, fieldPath(field, index));
      if (value !== undefined) values.push(value);
    });
    return values;
  }

  /** A table whose values are all strings (`env`, `runtimes`). */
  stringTable(table: TomlTable, path: string, key: string): Record<string, string> | undefined {
    const inner = this.table(table, path, key);
    if (!inner) return undefined;
    const field = fieldPath(path, key);
    const values: Record<string, string> = {};
    for (const [name, entry] of inner.entries) {
      const nameField = fieldPath(field, name);
      if (entry.node.type !== 'string') this.expect(entry.node, nameField, 'a string (quote numbers and booleans)');
      else if (entry.node.value.includes('\0')) this.report(entry.node.pos, nameField, 'must not contain a NUL character (\\u0000)');
      else values[name] = entry.node.value;
    }
    return values;
  }

  /** An absolute URL whose scheme is one of `schemes` (`['http:', 'https:']`). */
  urlValue(node: TomlNode, field: string, schemes: readonly string[]): string | undefined {
    const text = this.stringValue(node, field);
    if (text === undefined) return undefined;
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      this.report(node.pos, field, `"${text}" is not a valid URL`);
      return undefined;
    }
    if (!schemes.includes(url.protocol)) {
      const wanted = schemes.map((scheme) => `${scheme}//`).join(' or ');
      this.report(node.pos, field, `"${text}" must start with ${wanted}`);
      return undefined;
    }
    return text;
  }

  private inRange(node: TomlNode, field: string, value: number, range: NumberRange): boolean {
    const { min, max, exclusiveMin } = range;
    let message: string | undefined;
    if (!Number.isFinite(value)) message = 'must be a finite number';
    else if (min !== undefined && exclusiveMin && value <= min) message = `must be greater than ${min}`;
    else if (min !== undefined && value < min) message = `must be at least ${min}`;
    else if (max !== undefined && value > max) message = `must be at most ${max}`;
    else if (node.type === 'integer' && !Number.isSafeInteger(value)) message = 'is too large';
    if (message) this.report(node.pos, field, message);
    return message === undefined;
  }
}
