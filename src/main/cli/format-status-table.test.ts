import { describe, expect, it } from 'vitest';
import type { ServiceSnapshot } from '../../shared/model';
import { formatStatusTable, STATUS_WIDTH } from './client-commands';

const service = (name: string, state: ServiceSnapshot['state'], restarts = 0) => ({ name, displayName: name, state, health: 'unknown', restarts, stats: null }) as unknown as ServiceSnapshot;

describe('formatStatusTable', () => {
  it('fits 100 columns with a crash loop, cutting only the state', () => {
    const reason = 'crash loop: exited with code 1 after 5 restarts, none stayed up 60 s; the projector on the left wall never answered';
    const table = formatStatusTable([service('projector-left-wall', { kind: 'failed', reason, restarts: 5, windowMs: 60_000 }, 5), service('db', { kind: 'running', pid: 7, since: Date.now() })]);
    const lines = table.trimEnd().split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(STATUS_WIDTH);
    expect(lines[1]).toMatch(/^projector-left-wall {2}Failed \(crash loop: exited with code 1 after 5 restarts.*… {2}5 {9}-$/);
    expect(lines[2]).toMatch(/^db {19}Running \(pid 7, up 0s\)/);
  });

  it('leaves short rows whole', () => {
    expect(formatStatusTable([service('db', { kind: 'completed', at: 0 })])).toBe('NAME  STATE      RESTARTS  CPU/RSS\ndb    Completed  0         -\n');
  });
});
