// Issue 16: history that survives a crash loop. The built daemon runs a service that fails fast
// and loudly, with `[logs] max_size_mib` small enough that retention must delete; the file of
// the run's first failure stays, and the folder stays under the limit.
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../test/helpers/wait-for';
import { startDaemon, type DaemonProcess } from './helpers/daemon-process';

const LIMIT = 0.25 * 1024 * 1024;
const PER_LAUNCH = 60_000;

describe('log retention under a crash loop', () => {
  let dir: string;
  let daemon: DaemonProcess;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-retention-'));
    const manifest = join(dir, 'services.toml');
    await writeFile(
      manifest,
      [
        '[logs]',
        'max_size_mib = 0.25',
        '[services.looper]',
        // Each launch says which it is (a counter file) and prints 60 kB before failing.
        `command = "node -e \\"const f='${join(dir, 'count')}';const fs=require('fs');let n=0;try{n=+fs.readFileSync(f,'utf8')}catch{}fs.writeFileSync(f,String(n+1));console.error('launch '+(n+1)+' failed: cannot open /dev/video0');process.stdout.write('x'.repeat(${PER_LAUNCH})+'\\\\n');setTimeout(()=>process.exit(1),300)\\""`,
        'restart_delay_seconds = 0.2',
        'max_restart_delay_seconds = 0.2',
        'max_restarts = 1000',
      ].join('\n'),
    );
    daemon = await startDaemon(['--config', manifest]);
  });

  afterAll(async () => {
    await daemon?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the first failure and stays under max_size_mib while the loop goes on', async () => {
    const folder = join(daemon.tempDir, 'logs', 'looper');
    const seen = new Set<string>();
    const files = async () => (await readdir(folder).catch(() => [] as string[])).filter((name) => name.endsWith('.log') || /\.log\.\d+$/.test(name)).sort();
    // Enough launches that four times the limit was written, and retention has deleted some files.
    await waitFor(
      async () => {
        const now = await files();
        for (const name of now) seen.add(name);
        return { now: now.length, seen: seen.size, launches: Number(await readFile(join(dir, 'count'), 'utf8').catch(() => '0')) };
      },
      (state) => state.launches * PER_LAUNCH > 4 * LIMIT && state.seen > state.now + 2,
      { timeoutMs: 90_000, intervalMs: 100, what: 'a loop long enough for retention to delete' },
    );
    const now = await files();
    const first = [...seen].sort()[0];
    expect(now[0]).toBe(first);
    expect(await readFile(join(folder, first), 'utf8')).toContain('launch 1 failed: cannot open /dev/video0');
    let total = 0;
    for (const name of now) total += (await stat(join(folder, name))).size;
    // The limit, plus the file being written (retention never deletes the current one).
    expect(total).toBeLessThan(LIMIT + 3 * PER_LAUNCH);
  });
});
