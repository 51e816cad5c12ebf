import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { canMove, executionsOf, readEntry, toExecutionSnapshot, updateEntry } from './execution-entry';

describe('execution entries', () => {
  it('never moves a status back, and never changes a terminal one', () => {
    expect(canMove('running', 'ready')).toBe(false);
    expect(canMove('claimed', 'requested')).toBe(false);
    expect(canMove('completed', 'error')).toBe(false);
    expect(canMove('cancelled', 'cancelled')).toBe(false);
    expect(canMove('ready', 'running')).toBe(true);
    expect(canMove('ready', 'completed')).toBe(true);
  });

  it('writes nothing when the change is not legal from the value seen now', () => {
    const doc = new Y.Doc();
    executionsOf(doc).set('e', { status: 'cancelled', code: 'x' });
    expect(updateEntry(doc, 'e', () => ({ status: 'running' }))).toBeNull();
    expect(updateEntry(doc, 'e', () => ({ result: 1 }))).toBeNull();
    expect(updateEntry(doc, 'e', () => ({ displayData: [{ mimeType: 'text/plain' }] }))).not.toBeNull();
    expect(readEntry(doc, 'e')).toMatchObject({ status: 'cancelled', code: 'x' });
  });

  it('treats a malformed entry as missing instead of throwing', () => {
    const doc = new Y.Doc();
    executionsOf(doc).set('bad', 'not an object');
    expect(readEntry(doc, 'bad')).toBeNull();
    expect(updateEntry(doc, 'bad', () => ({ status: 'error' }))).toBeNull();
  });

  it('describes an entry as the contract snapshot, whatever type claimedBy has', () => {
    const snapshot = toExecutionSnapshot('doc', 'e', {
      status: 'running',
      language: 'bash',
      code: 'read x',
      claimedBy: 42,
      stdinRequest: { prompt: 'x? ', password: false },
      error: null,
    });
    expect(snapshot).toMatchObject({ id: 'e', doc: 'doc', status: 'running', claimedBy: '42', stdinPrompt: 'x? ', stdinPassword: false, error: null });
    const secret = toExecutionSnapshot('doc', 's', { status: 'running', stdinRequest: { prompt: 'Password: ', password: true } });
    expect(secret).toMatchObject({ stdinPrompt: 'Password: ', stdinPassword: true });
  });
});
