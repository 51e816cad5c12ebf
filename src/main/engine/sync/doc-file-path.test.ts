import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { docFilePath } from './doc-file-path';

const docs = '/srv/docs';

describe('docFilePath', () => {
  it('maps a name to <docs>/<name>.md and shares one key between name and name.md', () => {
    expect(docFilePath(docs, 'notes')).toEqual({ ok: true, key: 'notes.md', file: path.join(docs, 'notes.md') });
    expect(docFilePath(docs, 'notes.md')).toEqual({ ok: true, key: 'notes.md', file: path.join(docs, 'notes.md') });
    expect(docFilePath(docs, 'journal/2024/jan')).toMatchObject({ ok: true, file: path.join(docs, 'journal/2024/jan.md') });
  });

  it('refuses traversal, absolute, hidden, empty and NUL names', () => {
    for (const name of ['', '../x', 'a/../../x', '/etc/passwd', 'C:\\x', 'a//b', './x', '.git/config', 'a/.hidden', 'a\0b', 'a\\..\\..\\x']) {
      expect(docFilePath(docs, name).ok, name).toBe(false);
    }
  });
});
