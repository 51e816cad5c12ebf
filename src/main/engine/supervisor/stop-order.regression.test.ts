// Issue 15, point 5: the reverse-order stop recursed once per dependency level, so stopping a
// valid 10,000-deep chain overflowed the call stack, and it scanned every unit per unit. Now it
// is built leaves-first from one index. Real processes check the order itself.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/helpers/wait-for';
import { makeSpec, supervisorHarness } from '../../../../test/fixtures/supervisor-test-kit';

const harness = supervisorHarness();

describe('Supervisor stop order', () => {
  it('stops dependents before what they depend on', async () => {
    const { supervisor, logs } = harness.supervisor();
    const order = join(harness.tempDir(), 'order');
    // Each writes its name when it receives SIGTERM, then exits.
    const service = (name: string) => `trap 'echo ${name} >> ${order}; exit 0' TERM; echo trap-set; while :; do sleep 0.05; done`;
    await supervisor.apply([
      makeSpec('db', service('db')),
      makeSpec('api', service('api'), { dependencies: [{ name: 'db', condition: 'started' }] }),
      makeSpec('web', service('web'), { dependencies: [{ name: 'api', condition: 'started' }, { name: 'db', condition: 'started' }] }),
    ]);
    // Running is not enough: the shell must have set its trap before the stop comes.
    await waitFor(() => ['db', 'api', 'web'].map((name) => logs.text(name, 'stdout')), (texts) => texts.every((text) => text.includes('trap-set')), {
      what: 'all three with their trap set',
      timeoutMs: 15_000,
    });
    await supervisor.stopAll();
    expect(readFileSync(order, 'utf8').trim().split('\n')).toEqual(['web', 'api', 'db']);
  });

  it('stops a 10,000-deep chain without exhausting the stack', async () => {
    const { supervisor } = harness.supervisor();
    const depth = 10_000;
    const specs = Array.from({ length: depth }, (_, i) =>
      makeSpec(`s${i}`, 'exit 0', { autostart: false, dependencies: i === 0 ? [] : [{ name: `s${i - 1}`, condition: 'started' }] }),
    );
    await supervisor.apply(specs);
    await supervisor.stopAll();
    expect(supervisor.snapshot()).toHaveLength(depth);
  });
});
