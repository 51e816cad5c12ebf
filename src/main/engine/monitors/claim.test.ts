import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DEFAULT_CLAIM_TIMING, beginRun, claimEntry, claimRank } from './claim';
import { executionsOf, readEntry, updateEntry } from './execution-entry';

function docWith(entry: Record<string, unknown>): Y.Doc {
  const doc = new Y.Doc();
  executionsOf(doc).set('exec-1', { id: 'exec-1', status: 'requested', claimedBy: null, ...entry });
  return doc;
}

/** Two peers whose updates reach each other only when `deliver` is called (a slow network). */
function pair(): { a: Y.Doc; b: Y.Doc; deliver: () => void } {
  const a = new Y.Doc();
  const b = new Y.Doc();
  const pending: Array<[Y.Doc, Uint8Array]> = [];
  a.on('update', (update: Uint8Array, origin: unknown) => origin !== 'net' && pending.push([b, update]));
  b.on('update', (update: Uint8Array, origin: unknown) => origin !== 'net' && pending.push([a, update]));
  return { a, b, deliver: () => pending.splice(0).forEach(([doc, update]) => Y.applyUpdate(doc, update, 'net')) };
}

describe('claim', () => {
  it('gives every monitor a distinct rank, the same on every monitor', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 8 }), fc.string(), (ids, execId) => {
        const ranks = ids.map((id) => claimRank(execId, ids, id));
        expect(new Set(ranks).size).toBe(ids.length);
        expect([...ranks].sort((x, y) => x - y)).toEqual(ids.map((_, index) => index));
        expect(claimRank(execId, [...ids].reverse(), ids[0])).toBe(ranks[0]);
      }),
    );
  });

  it('spreads first ranks over the monitors', () => {
    const ids = ['m0', 'm1', 'm2', 'm3', 'm4'];
    const firsts = new Set(Array.from({ length: 100 }, (_, n) => ids.find((id) => claimRank(`exec-${n}`, ids, id) === 0)));
    expect(firsts.size).toBe(5);
  });

  it('claims only a requested, unclaimed entry', () => {
    const doc = docWith({});
    expect(claimEntry(doc, 'exec-1', 'me', 5)).toBe(true);
    expect(readEntry(doc, 'exec-1')).toMatchObject({ status: 'claimed', claimedBy: 'me', claimedAt: 5 });
    expect(claimEntry(doc, 'exec-1', 'other')).toBe(false);
    expect(claimEntry(docWith({ status: 'completed' }), 'exec-1', 'me')).toBe(false);
    expect(claimEntry(docWith({ claimedBy: 123 }), 'exec-1', 'me')).toBe(false);
  });

  it('starts a run only from ready when the entry names us', () => {
    expect(beginRun(docWith({ status: 'ready', claimedBy: 'other' }), 'exec-1', 'me')).toBe(false);
    expect(beginRun(docWith({ status: 'claimed', claimedBy: 'me' }), 'exec-1', 'me')).toBe(false);
    expect(beginRun(docWith({ status: 'cancelled', claimedBy: 'me' }), 'exec-1', 'me')).toBe(false);
    const doc = docWith({ status: 'ready', claimedBy: 'me' });
    expect(beginRun(doc, 'exec-1', 'me', 9)).toBe(true);
    expect(readEntry(doc, 'exec-1')).toMatchObject({ status: 'running', startedAt: 9 });
  });

  it('lets two concurrent claims converge on one owner, so only one monitor sees ready naming it', () => {
    const { a, b, deliver } = pair();
    executionsOf(a).set('exec-1', { id: 'exec-1', status: 'requested', claimedBy: null });
    deliver();
    expect(claimEntry(a, 'exec-1', 'A')).toBe(true);
    expect(claimEntry(b, 'exec-1', 'B')).toBe(true);
    deliver();
    const owner = readEntry(a, 'exec-1')?.claimedBy;
    expect(readEntry(b, 'exec-1')?.claimedBy).toBe(owner);
    // The editor marks ready from the converged entry; only the owner may start.
    updateEntry(a, 'exec-1', (current) => (current.status === 'claimed' ? { status: 'ready' } : null));
    deliver();
    expect([beginRun(a, 'exec-1', 'A'), beginRun(b, 'exec-1', 'B')].filter(Boolean)).toHaveLength(1);
    expect(DEFAULT_CLAIM_TIMING.settleMs).toBeGreaterThan(0);
  });
});
