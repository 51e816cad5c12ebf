// `[alerts]` across daemon lifetimes, with the real CLI as separate OS processes under one
// state dir and a real webhook receiver: alerts queued while the receiver is down outlive a
// kill -9 and are delivered, in order, by the next daemon, which also reports the unclean
// exit once; a clean stop reports none; two manifests keep two queues.
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCliProcess, type RunningCli, stopCliProcesses } from '../../../test/helpers/run-cli-process';
import { waitFor } from '../../../test/helpers/wait-for';
import { startWebhookReceiver, type WebhookReceiver } from '../../../test/helpers/webhook-receiver';
import type { AlertBody } from '../engine/alerts/alert-body';
import { alertQueuePath } from '../engine/alerts/alert-queue';
import { manifestKey } from '../engine/instance/manifest-key';
import { defaultStateDir } from '../engine/instance/state-dir';

const LONG = 90_000;

describe('alerts across daemon restarts', { timeout: 300_000 }, () => {
  let dir: string;
  let stateDir: string;
  let receiver: WebhookReceiver;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-alerts-daemon-'));
    stateDir = join(dir, 'state');
    receiver = await startWebhookReceiver({ listen: false });
  });

  afterEach(async () => {
    await stopCliProcesses(); // before the folder goes: a daemon may still write into it
    await rm(dir, { recursive: true, force: true });
  });

  async function writeManifest(name: string, service: string): Promise<string> {
    const file = join(dir, `${name}.toml`);
    await writeFile(file, `${service}\n[alerts]\nwebhook = "${receiver.url}/hook"\n`);
    return file;
  }

  const failing = (name: string) => `[services.${name}]\ncommand = "exit 3"\nrestart = "on-failure"\nmax_restarts = 0\n`;
  const steady = (name: string) => `[services.${name}]\ncommand = "sleep 600"\n`;

  /** Inside the test run's private HOME, whatever the machine's XDG_STATE_HOME says. */
  const homeState = () => join(process.env.HOME!, '.local', 'state');

  /** `home`: no --state-dir, the (test run's private) HOME's state dir, as an operator runs it. */
  function serve(manifest: string, { home = false } = {}): RunningCli {
    const where = home ? [] : ['--state-dir', stateDir];
    return runCliProcess(['serve', '--config', manifest, '--port', '0', ...where, '--quiet'], { env: { XDG_RUNTIME_DIR: join(dir, 'run'), XDG_STATE_HOME: homeState() } });
  }

  async function listening(cli: RunningCli): Promise<void> {
    await waitFor(() => cli.output(), (text) => /listening on http/.test(text), { what: 'the listening line', timeoutMs: LONG });
  }

  async function apiGet(cli: RunningCli, path: string): Promise<unknown> {
    const url = new URL(/listening on (\S+)/.exec(cli.output())![1]!);
    const response = await fetch(`${url.origin}${path}`, { headers: { authorization: `Bearer ${url.searchParams.get('token')}` } });
    return path === '/metrics' ? response.text() : response.json();
  }

  async function queued(manifest: string, { home = false } = {}): Promise<AlertBody[]> {
    try {
      return (JSON.parse(await readFile(alertQueuePath(home ? defaultStateDir({ XDG_STATE_HOME: homeState() }) : stateDir, manifestKey(manifest)), 'utf8')) as { items: { body: AlertBody }[] }).items.map((item) => item.body);
    } catch {
      return [];
    }
  }

  async function stop(cli: RunningCli): Promise<number | null> {
    cli.child.kill('SIGTERM');
    return cli.exited;
  }

  const posts = () => receiver.accepted('/hook').map((request) => request.body as AlertBody);

  it('delivers what a killed daemon queued, then one unclean-exit alert, in order', async () => {
    const manifest = await writeManifest('gallery', failing('projector'));
    const key = manifestKey(manifest);
    const first = serve(manifest);
    await listening(first);
    await waitFor(() => first.output(), (text) => text.includes('ECONNREFUSED'), { what: 'a refused delivery', timeoutMs: LONG });
    expect((await queued(manifest)).map((body) => body.id)).toEqual([`${key}-1`]);
    // The API says what the queue holds.
    const status = (await apiGet(first, '/api/status')) as { alerts: { webhook: boolean; queued: number; lastError: string } };
    expect(status.alerts).toMatchObject({ webhook: true, queued: 1, lastError: 'ECONNREFUSED' });
    expect(await apiGet(first, '/metrics')).toContain('showrunner_alerts_queued 1\n');
    first.child.kill('SIGKILL');
    await first.exited;

    await receiver.start();
    const second = serve(manifest);
    await waitFor(() => posts(), (list) => list.length >= 3, { what: 'three alerts', timeoutMs: LONG });
    expect(posts().map((body) => [body.id, body.kind, body.service])).toEqual([
      [`${key}-1`, 'service-failed', 'projector'],
      [`${key}-2`, 'unclean-exit', null],
      [`${key}-3`, 'service-failed', 'projector'],
    ]);
    expect(posts()[1]!.reason).toContain(`(pid ${first.child.pid})`);
    expect(second.output()).toContain('did not stop cleanly');
    await waitFor(() => queued(manifest), (list) => list.length === 0, { what: 'an empty queue file' });
    expect(await stop(second)).toBe(0);

    // A clean stop leaves no marker: the next start reports nothing.
    const third = serve(manifest);
    await listening(third);
    await waitFor(() => posts(), (list) => list.length === 4, { what: "the third daemon's own failure", timeoutMs: LONG });
    expect(posts()[3]).toMatchObject({ id: `${key}-4`, kind: 'service-failed' });
    expect(third.output()).not.toContain('did not stop cleanly');
    expect(await stop(third)).toBe(0);
  });

  it('keeps one queue per manifest under one HOME, across a clean stop', async () => {
    const home = { home: true };
    const a = await writeManifest('a', failing('alpha'));
    const b = await writeManifest('b', `${failing('beta')}\n${steady('keep')}`);
    const daemonA = serve(a, home);
    const daemonB = serve(b, home);
    await waitFor(() => queued(a, home), (list) => list.length === 1, { what: "a's alert on disk", timeoutMs: LONG });
    await waitFor(() => queued(b, home), (list) => list.length === 1, { what: "b's alert on disk", timeoutMs: LONG });
    expect((await queued(a, home))[0]).toMatchObject({ service: 'alpha', instance: manifestKey(a), manifest: a });
    expect((await queued(b, home))[0]).toMatchObject({ service: 'beta', instance: manifestKey(b), manifest: b });
    expect([await stop(daemonA), await stop(daemonB)]).toEqual([0, 0]);
    // Still there after a clean stop; only b's daemon comes back, and sends only b's.
    expect(await queued(a, home)).toHaveLength(1);
    await receiver.start();
    const again = serve(b, home);
    await waitFor(() => posts(), (list) => list.length >= 2, { what: "b's two alerts", timeoutMs: LONG });
    expect(posts().map((body) => [body.id, body.service])).toEqual([
      [`${manifestKey(b)}-1`, 'beta'],
      [`${manifestKey(b)}-2`, 'beta'],
    ]);
    expect(again.output()).not.toContain('did not stop cleanly');
    expect(await queued(a, home)).toHaveLength(1);
    expect(await stop(again)).toBe(0);
  });
});
