// Issue 15 (regression): a second `showrunner mrmd` on the same sync port showed its mrmd-sync
// "healthy (HTTP 200)" on every start of its crash loop: the first daemon's sync server
// answered the probe. Two built daemons as separate OS processes under one HOME: the second's
// mrmd-sync must not start while the port is taken, never be healthy, and name the holder.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceSnapshot } from '../src/shared/model';
import { startDaemon, type DaemonProcess } from './helpers/daemon-process';

const daemons: DaemonProcess[] = [];
afterEach(async () => {
  for (const daemon of daemons.splice(0).reverse()) await daemon.stop();
});

async function mrmd(syncPort: number): Promise<DaemonProcess> {
  const daemon = await startDaemon(['--sync-port', String(syncPort), '--no-runtime', '--no-monitors'], { command: 'mrmd' });
  daemons.push(daemon);
  return daemon;
}

async function syncOf(daemon: DaemonProcess): Promise<ServiceSnapshot | undefined> {
  const response = await fetch(`${daemon.origin}/api/services`, { headers: { authorization: `Bearer ${daemon.token}` } });
  const { services } = (await response.json()) as { services: ServiceSnapshot[] };
  return services.find((service) => service.name === 'mrmd-sync');
}

async function poll<T>(read: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`want ${what}, got ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** `pid` and its descendants, from /proc. */
function treeOf(pid: number): number[] {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  return [pid, ...children.flatMap(treeOf)];
}

describe.skipIf(process.platform !== 'linux')('two mrmd daemons on one sync port', () => {
  it("keeps the second one's mrmd-sync from starting and from ever showing healthy, naming the first one's sync server", async () => {
    const syncPort = await freePort();
    const first = await mrmd(syncPort);
    const firstSync = await poll(() => syncOf(first), (sync) => sync?.health === 'healthy', "the first daemon's mrmd-sync healthy");
    const firstTree = treeOf((firstSync!.state as { pid: number }).pid);

    const second = await mrmd(syncPort);
    const seen: ServiceSnapshot[] = [];
    const retrying = await poll(
      async () => {
        const sync = await syncOf(second);
        if (sync) seen.push(sync);
        return sync;
      },
      (sync) => sync?.state.kind === 'backoff' && sync.restarts >= 2,
      "the second daemon's mrmd-sync retrying in backoff",
    );
    const lastExit = (retrying!.state as { lastExit: string }).lastExit;
    expect(lastExit).toMatch(new RegExp(`^port ${syncPort} in use by pid \\d+ \\S+$`));
    expect(firstTree).toContain(Number(/by pid (\d+)/.exec(lastExit)![1]));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((sync) => sync.health === 'healthy')).toEqual([]);
    expect(retrying!.transitions.some((transition) => transition.to === 'running')).toBe(false);
    // The journal (stderr) says it too.
    expect(second.stderr()).toContain(`mrmd-sync: backoff → backoff: ${lastExit}; retry in`);
    // The first one is untouched.
    expect((await syncOf(first))!.health).toBe('healthy');
  }, 180_000);
});
