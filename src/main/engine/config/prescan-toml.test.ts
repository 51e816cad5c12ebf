import { parse as parseSmolToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { parseTomlTree, type TomlNode, type TomlTable } from './toml-tree';

const long = (char: string, length = 5000) => char.repeat(length);

function plain(node: TomlNode): unknown {
  if (node.type === 'table') return Object.fromEntries([...node.entries].map(([key, entry]) => [key, plain(entry.node)]));
  if (node.type === 'array') return node.items.map(plain);
  return node.value;
}

function tree(text: string): TomlTable {
  const result = parseTomlTree(text);
  if (!result.ok) throw new Error(`${result.pos.line}:${result.pos.column}: ${result.message}`);
  return result.root;
}

describe('parseTomlTree on long values (prescan-toml.ts)', () => {
  it('reads every kind of long string as smol-toml does, escapes and trailing quotes included', () => {
    const text = [
      `basic = "${long('x')}\\t\\u00e9\\"end"`,
      `literal = '${long('y')}\\n'`,
      `multi = """\n${long('z')}\\\n   tail""""`,
      `multiLiteral = '''${long('w')}\nline two'''''`,
      `"${long('k')}" = 1`,
      `list = ["${long('a')}", 'short']`,
      `inline = { note = "${long('b')}" }`,
      `after = "short"`,
    ].join('\n');
    expect(plain(tree(text))).toEqual(parseSmolToml(text));
  });

  it('keeps the lines of what follows a long multi-line string', () => {
    const text = `a = """\n${long('x')}\n${long('y')}\n"""\nb = 1\n`;
    expect(tree(text).entries.get('b')!.keyPos).toEqual({ line: 5, column: 1 });
  });

  it('reports a bad escape in a long string at the string', () => {
    const result = parseTomlTree(`ok = 1\nbad = "${long('x')}\\q"\n`);
    expect(result).toMatchObject({ ok: false, pos: { line: 2, column: 7 } });
  });

  it('refuses an overlong bare value where it starts', () => {
    expect(parseTomlTree(`n = ${long('1')}\n`)).toMatchObject({ ok: false, pos: { line: 1, column: 5 }, message: expect.stringContaining('5000 characters') });
  });

  it('counts only real nesting: brackets in strings and comments do not count', () => {
    const brackets = '['.repeat(200);
    expect(plain(tree(`a = "${brackets}"\n# ${brackets}\nb = [[1], [2]]\n`))).toEqual({ a: brackets, b: [[1], [2]] });
    expect(parseTomlTree(`a = ${'['.repeat(65)}${']'.repeat(65)}\n`)).toMatchObject({ ok: false, pos: { line: 1, column: 69 }, message: 'nested more than 64 levels deep' });
    expect(parseTomlTree(`a = ${'['.repeat(64)}${']'.repeat(64)}\n`).ok).toBe(true);
  });
});
