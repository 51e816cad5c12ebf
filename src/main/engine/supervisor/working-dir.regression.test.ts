// Issue 15, point 5: a bad working_dir showed as `spawn bash ENOENT` (ELOOP and EACCES alike),
// naming bash instead of the folder. The supervisor now says which folder and why, as the
// service's reason and in its log, before anything is spawned.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/helpers/wait-for';
import { makeSpec, supervisorHarness } from '../../../../test/fixtures/supervisor-test-kit';

const harness = supervisorHarness();
const isRoot = process.getuid?.() === 0;

describe('a service with a bad working_dir', () => {
  async function reasonFor(workingDir: string): Promise<{ reason: string; log: string }> {
    const { supervisor, logs } = harness.supervisor();
    await supervisor.apply([makeSpec('api', 'echo should-not-run', { workingDir, restartDelayMs: 60_000 })]);
    const service = await waitFor(() => supervisor.get('api'), (s) => s?.state.kind === 'backoff', { what: 'api in backoff', timeoutMs: 15_000 });
    return { reason: service!.transitions.at(-1)!.reason, log: logs.text('api', 'system') };
  }

  it('names a missing folder', async () => {
    const dir = join(harness.tempDir(), 'nope');
    const { reason, log } = await reasonFor(dir);
    expect(reason).toContain(`working_dir ${dir} does not exist`);
    expect(log).toContain(`working_dir ${dir} does not exist`);
    expect(log).not.toMatch(/spawn bash/);
  });

  it('names a file that is not a folder', async () => {
    const file = join(harness.tempDir(), 'file');
    writeFileSync(file, '');
    expect((await reasonFor(file)).reason).toContain(`working_dir ${file} is not a folder`);
  });

  it('names a symbolic link loop', async () => {
    const dir = harness.tempDir();
    symlinkSync(join(dir, 'b'), join(dir, 'a'));
    symlinkSync(join(dir, 'a'), join(dir, 'b'));
    expect((await reasonFor(join(dir, 'a'))).reason).toContain(`working_dir ${join(dir, 'a')}: too many levels of symbolic links (a link loop)`);
  });

  it.skipIf(isRoot)('names a folder it may not enter (skipped as root, who may enter any)', async () => {
    const dir = join(harness.tempDir(), 'closed');
    mkdirSync(dir, { mode: 0o600 });
    expect((await reasonFor(dir)).reason).toContain(`working_dir ${dir} cannot be entered: permission denied`);
  });
});
