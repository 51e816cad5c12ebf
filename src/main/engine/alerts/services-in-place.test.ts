// The heartbeat's condition, state by state.
import { describe, expect, it } from 'vitest';
import { serviceSnapshot } from '../../../../test/fixtures/service-snapshots';
import type { ServiceState } from '../../../shared/model';
import { servicesInPlace } from './services-in-place';

const running: ServiceState = { kind: 'running', pid: 1, since: 0 };

describe('servicesInPlace', () => {
  it('holds for running, completed and disabled services, and ignores ones not autostarted', () => {
    expect(
      servicesInPlace([
        serviceSnapshot('a', running),
        serviceSnapshot('b', { kind: 'completed', at: 0 }),
        serviceSnapshot('c', { kind: 'disabled' }),
        serviceSnapshot('d', { kind: 'exited', code: 1, signal: null, at: 0 }, { autostart: false }),
      ]),
    ).toEqual({ ok: true });
  });

  it('fails on the first service out of place, naming it', () => {
    expect(servicesInPlace([serviceSnapshot('a', running), serviceSnapshot('b', { kind: 'failed', reason: 'x', restarts: 3, windowMs: 1 })])).toEqual({ ok: false, why: 'b is failed' });
    expect(servicesInPlace([serviceSnapshot('a', { kind: 'backoff', nextTryAt: 0, attempt: 1, lastExit: 'x' })])).toEqual({ ok: false, why: 'a is backoff' });
    expect(servicesInPlace([serviceSnapshot('a', { kind: 'starting' })])).toEqual({ ok: false, why: 'a is starting' });
  });

  it('needs healthy where a probe is set', () => {
    const probe = { type: 'http', target: 'http://127.0.0.1:1/' };
    expect(servicesInPlace([serviceSnapshot('a', running, { probe, health: 'unknown' })])).toEqual({ ok: false, why: 'a is running but not healthy (unknown)' });
    expect(servicesInPlace([serviceSnapshot('a', running, { probe, health: 'healthy' })])).toEqual({ ok: true });
  });
});
