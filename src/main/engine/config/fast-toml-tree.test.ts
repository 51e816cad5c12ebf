import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTomlTreeFast } from './fast-toml-tree';
import { parseManifest, readManifestTree } from './parse-manifest';
import { parseTomlTree, type TomlNode } from './toml-tree';

const GRADI = readFileSync(fileURLToPath(new URL('../../../../test/fixtures/manifests/gradi.toml', import.meta.url)), 'utf8');

/** The tree without positions, to compare the two parsers' answers. */
function shape(node: TomlNode): unknown {
  if (node.type === 'table') return Object.fromEntries([...node.entries].map(([key, entry]) => [key, shape(entry.node)]));
  if (node.type === 'array') return node.items.map(shape);
  return [node.type, node.value];
}

function slowShape(text: string): unknown {
  const tree = parseTomlTree(text);
  if (!tree.ok) throw new Error(tree.message);
  return shape(tree.root);
}

describe('parseTomlTreeFast', () => {
  it('reads what the positioned parser reads: tables, dotted keys, arrays of tables, numbers, strings', () => {
    const text = [
      GRADI,
      '[extra.a]',
      'int = 5',
      'float = 5.0',
      'exp = 1e3',
      'hex = 0x1F',
      'neg = -17',
      'list = [1, 2, 3,]',
      'dotted.key = "v"',
      "literal = 'C:\\path'",
      'basic = "tab\\tquote\\" \\u00e9"',
      'multi = """',
      'one',
      'two"""',
      "multi_literal = '''x''''",
      'inline = { a = 1, b = { c = "}" } }',
      '[[extra.items]]',
      'name = "first"',
      '[[extra.items]]',
      'name = "second"',
      '',
    ].join('\n');
    const fast = parseTomlTreeFast(text);
    expect(fast).not.toBeNull();
    expect(shape(fast!)).toEqual(slowShape(text));
  });

  it('leaves to the positioned parser what only TOML 1.1 allows, dates, and keys a JS object reorders', () => {
    for (const text of [
      'a = { b = 1,\n c = 2 }\n',
      'a = { b = 1, }\n',
      'a = "\\e[0m"\n',
      'a = "\\x41"\n',
      'a = 07:32\n',
      'a = 1979-05-27\n',
      'a = 1979-05-27T07:32:00Z\n',
      'ключ = 1\n',
      '[services.2]\ncommand = "x"\n[services.1]\ncommand = "y"\n',
      'a = { b = 1 # no\n}\n',
      'a = "unterminated\n',
    ]) {
      expect(parseTomlTreeFast(text), text).toBeNull();
    }
  });
});

describe('parseManifest with the fast path', () => {
  it('gives the same manifest as a read through the positioned tree', () => {
    expect(parseTomlTreeFast(GRADI)).not.toBeNull();
    const quick = parseManifest(GRADI, '/srv/show/services.toml');
    expect(quick.ok).toBe(true);
    const tree = parseTomlTree(GRADI);
    expect(tree.ok && readManifestTree(tree.root, '/srv/show/services.toml')).toEqual(quick);
  });

  it('reports problems at their real line and column', () => {
    const result = parseManifest('[services.api]\ncommand = "x"\nrestart = "sometimes"\n', '/srv/show/services.toml');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toMatchObject({ line: 3, field: 'services.api.restart' });
  });

  it('rejects TOML 1.1 syntax as the manifest\'s TOML 1.0 parser does', () => {
    const result = parseManifest('[services.api]\ncommand = "x"\nenv = { A = "1",\n  B = "2" }\n', '/srv/show/services.toml');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toMatchObject({ line: 4, field: 'syntax' });
  });
});
