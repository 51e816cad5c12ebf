import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/helpers/wait-for';
import { trailingThrottle } from './trailing-throttle';

describe('trailingThrottle', () => {
  it('runs at once, then once more for a whole burst of later calls', async () => {
    let runs = 0;
    const throttled = trailingThrottle(() => runs++, 100);
    throttled();
    expect(runs).toBe(1);
    for (let i = 0; i < 50; i++) throttled();
    expect(runs).toBe(1);
    await waitFor(() => runs, (count) => count === 2, { what: 'the trailing run' });
    throttled.cancel();
  });

  it('runs a pending call on flush and none after cancel', async () => {
    let runs = 0;
    const throttled = trailingThrottle(() => runs++, 10_000);
    throttled();
    throttled();
    throttled.flush();
    expect(runs).toBe(2);
    throttled.flush();
    expect(runs).toBe(2);
    throttled();
    throttled.cancel();
    throttled.flush();
    expect(runs).toBe(2);
  });
});
