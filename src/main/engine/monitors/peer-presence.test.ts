import { describe, expect, it } from 'vitest';
import { PeerPresence } from './peer-presence';

const monitor = (id: string, peers: string[] = [], seen: Record<string, number> = {}) => ({ user: { type: 'monitor' }, monitor: { id, peers, seen } });

describe('PeerPresence', () => {
  it('lets a monitor claim only once every other monitor of ours lists it (claim.ts, step 0)', () => {
    const presence = new PeerPresence();
    presence.update(new Map<number, unknown>([[1, monitor('a', ['b'])], [2, monitor('b')], [3, { user: { type: 'human' } }]]));
    expect(presence.monitorIds()).toEqual(['a', 'b']);
    expect(presence.seenByAll('a')).toBe(false); // b has not listed a yet
    expect(presence.seenByAll('b')).toBe(true);
    presence.update(new Map<number, unknown>([[1, monitor('a', ['b'])], [2, monitor('b', ['a'])]]));
    expect(presence.seenByAll('a')).toBe(true);
  });

  it('counts a claim acknowledged once every other monitor of ours integrated it (step 3)', () => {
    const presence = new PeerPresence();
    presence.update(new Map<number, unknown>([[1, monitor('a')], [2, monitor('b', ['a'], { 1: 7 })], [3, monitor('c', ['a'], { 1: 3 })]]));
    expect(presence.otherClients('a')).toEqual([2, 3]);
    expect(presence.ackedByAll('a', 1, 7)).toBe(false);
    expect(presence.notAcking('a', 1, 7)).toEqual(['c']);
    presence.update(new Map<number, unknown>([[1, monitor('a')], [2, monitor('b', ['a'], { 1: 7 })], [3, monitor('c', ['a'], { 1: 9 })]]));
    expect(presence.ackedByAll('a', 1, 7)).toBe(true);
  });

  it('counts foreign monitors apart: they announce no id and acknowledge nothing', () => {
    const presence = new PeerPresence();
    presence.update(new Map<number, unknown>([[1, monitor('a')], [5, { user: { name: 'mrmd-monitor', type: 'monitor' } }]]));
    expect(presence.monitorIds()).toEqual(['a']);
    expect(presence.foreignMonitors()).toBe(1);
    // An older monitor of ours (id only) ranks but acknowledges nothing: it counts as foreign.
    presence.update(new Map<number, unknown>([[1, monitor('a')], [6, { user: { type: 'monitor' }, monitor: { id: 'old' } }]]));
    expect(presence.monitorIds()).toEqual(['a', 'old']);
    expect(presence.foreignMonitors()).toBe(1);
    expect(presence.seenByAll('a')).toBe(true);
  });

  it('measures an owner’s absence from its departure or the latest sync, whichever is later', () => {
    const presence = new PeerPresence();
    presence.synced(1000);
    presence.update(new Map<number, unknown>([[1, monitor('a')], [2, monitor('b')]]), 1000);
    expect(presence.absentForMs('b', 5000)).toBe(0);
    expect(presence.absentForMs(2, 5000)).toBe(0);
    expect(presence.absentForMs('never-seen', 5000)).toBe(4000);
    presence.update(new Map<number, unknown>([[1, monitor('a')]]), 6000);
    expect(presence.absentForMs('b', 7000)).toBe(1000);
    expect(presence.absentForMs(2, 7000)).toBe(1000);
    // A reconnect drops every remote state; absence counts again from the new sync.
    presence.synced(9000);
    expect(presence.absentForMs('b', 9500)).toBe(500);
  });
});
