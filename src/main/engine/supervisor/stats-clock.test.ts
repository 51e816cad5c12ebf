import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/helpers/wait-for';
import { EventHub } from '../api/event-hub';
import { StatsClock, UNWATCHED_FACTOR } from './stats-clock';

const clocks: StatsClock[] = [];
afterEach(() => {
  for (const clock of clocks.splice(0)) clock.stop();
});

describe('StatsClock', () => {
  it('ticks slowly while nobody watches, at once and then at the interval once a client connects', async () => {
    let ticks = 0;
    const clock = new StatsClock(20, () => ticks++);
    clocks.push(clock);
    expect(clock.periodMs).toBe(20 * UNWATCHED_FACTOR);
    clock.setWatched(true);
    expect(ticks).toBe(1);
    expect(clock.periodMs).toBe(20);
    await waitFor(() => ticks, (count) => count >= 4, { what: 'three more ticks while watched', timeoutMs: 20_000 });
    clock.setWatched(false);
    expect(clock.periodMs).toBe(20 * UNWATCHED_FACTOR);
    clock.stop();
    const stoppedAt = ticks;
    clock.setWatched(true);
    expect(ticks).toBe(stoppedAt);
  });

  it('follows the event hub: watched while a client is connected', () => {
    const counts: number[] = [];
    const hub = new EventHub(() => ({}) as never);
    hub.onClientCount = (count) => counts.push(count);
    const first = hub.open(() => {});
    const second = hub.open(() => {});
    second.close();
    second.close();
    first.close();
    hub.caller();
    expect(counts).toEqual([1, 2, 1, 0]);
    expect(hub.clientCount).toBe(0);
  });

  it('does not count the daemon\'s own listeners (history, status file) as watching clients', () => {
    const counts: number[] = [];
    const hub = new EventHub(() => ({}) as never);
    hub.onClientCount = (count) => counts.push(count);
    let seen = 0;
    const internal = hub.open(() => seen++, { watches: false });
    hub.publish('notice', { id: 'n', level: 'info', message: 'm', at: 0 });
    expect(seen).toBe(1);
    expect(counts).toEqual([]);
    expect(hub.clientCount).toBe(0);
    const panel = hub.open(() => {});
    expect(counts).toEqual([1]);
    internal.close();
    expect(counts).toEqual([1]);
    panel.close();
    expect(counts).toEqual([1, 0]);
  });
});
