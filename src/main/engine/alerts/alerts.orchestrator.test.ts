// `[alerts]` through the assembled engine: real services (bash), a real webhook receiver, a
// temp dir as /dev. A failed service is one POST with the documented body; more failures
// within the minute fold into one (an injected clock moves the minute); a device unplugged
// under a running service is an alert; the heartbeat goes while all is in place and stops
// when a service fails.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertsStatus, ServiceSnapshot } from '../../../shared/model';
import { sourceCliArgv } from '../../../../test/helpers/cli-argv';
import { waitFor } from '../../../../test/helpers/wait-for';
import { startWebhookReceiver, type WebhookReceiver } from '../../../../test/helpers/webhook-receiver';
import { manifestKey } from '../instance/manifest-key';
import { createOrchestrator, type Orchestrator, type OrchestratorOptions } from '../orchestrator';
import type { AlertBody } from './alert-body';
import type { AlertClock } from './alert-rate-limit';
import { alertQueuePath } from './alert-queue';
import { createSystemStore } from '../../../renderer/src/store/system-store';
import { createHubTransport } from '../../../../test/helpers/hub-transport';

const LONG = 60_000;

/** A clock the test moves: `advance` runs what fell due. */
function manualClock(): AlertClock & { advance(ms: number): void } {
  let now = Date.parse('2026-12-05T10:00:00Z');
  let timers: { at: number; run: () => void }[] = [];
  return {
    now: () => now,
    setTimeout(run, ms) {
      const timer = { at: now + ms, run };
      timers.push(timer);
      return () => (timers = timers.filter((other) => other !== timer));
    },
    advance(ms) {
      now += ms;
      const due = timers.filter((timer) => timer.at <= now);
      timers = timers.filter((timer) => timer.at > now);
      for (const timer of due) timer.run();
    },
  };
}

describe('alerts from the orchestrator', { timeout: 120_000 }, () => {
  let dir: string;
  let file: string;
  let receiver: WebhookReceiver;
  let orchestrator: Orchestrator | null = null;
  let lines: string[];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-alerts-'));
    file = join(dir, 'services.toml');
    receiver = await startWebhookReceiver();
    lines = [];
  });

  afterEach(async () => {
    await orchestrator?.close();
    orchestrator = null;
    await rm(dir, { recursive: true, force: true });
  });

  async function start(services: string, alerts: string, extra: Partial<OrchestratorOptions> = {}): Promise<Orchestrator> {
    await writeFile(file, `${services}\n[alerts]\n${alerts}\n`);
    orchestrator = await createOrchestrator({ manifestPath: file, stateDir: join(dir, 'state'), usbSource: null, deviceRoot: join(dir, 'dev'), deviceDebounceMs: 50, statsIntervalMs: 0, cliArgv: sourceCliArgv, log: (line) => lines.push(line), ...extra });
    return orchestrator;
  }

  const service = (name: string) => orchestrator!.snapshot().services.find((s) => s.name === name) as ServiceSnapshot;
  const alerts = () => orchestrator!.snapshot().alerts as AlertsStatus;
  const posts = () => receiver.accepted('/hook').map((request) => request.body as AlertBody);
  const webhook = () => `webhook = "${receiver.url}/hook"`;

  it('a service entering failed is one POST with the documented body', async () => {
    await start('[services.api]\ncommand = "echo starting; exit 3"\nrestart = "on-failure"\nmax_restarts = 0\n', webhook());
    await waitFor(() => posts(), (list) => list.length === 1, { what: 'one alert', timeoutMs: LONG });
    const [body] = posts();
    expect(body).toEqual({
      id: `${manifestKey(file)}-1`,
      kind: 'service-failed',
      service: 'api',
      from: expect.any(String),
      to: 'failed',
      reason: expect.stringContaining('exited with code 3'),
      host: hostname(),
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      instance: manifestKey(file),
      manifest: file,
      suppressed: 0,
    });
    expect(body!.reason).toBe((service('api').state as { reason: string }).reason);
    await waitFor(() => alerts(), (status) => status.queued === 0 && status.delivered === 1, { what: 'delivered and dequeued' });
    expect(receiver.requests).toHaveLength(1);
    expect(lines.some((line) => line.startsWith('alert: api service-failed'))).toBe(true);
    expect(await orchestrator!.call('system.subscribe', {})).toMatchObject({ ok: true, value: { snapshot: { alerts: { webhook: true, delivered: 1 } } } });
  });

  it('keeps a renderer store current through alerts.changed: failing with what waits, then delivered', async () => {
    receiver.status = 500;
    await start('[services.api]\ncommand = "exit 3"\nrestart = "on-failure"\nmax_restarts = 0\n', webhook(), { alertTiming: { delivery: { baseDelayMs: 50, maxDelayMs: 200 } } });
    const store = createSystemStore(createHubTransport(orchestrator!.hub));
    await waitFor(() => store.getState().synced, Boolean, { what: 'store synced' });
    const seen: (AlertsStatus | null)[] = [];
    orchestrator!.hub.open((name, _seq, payload) => name === 'alerts.changed' && seen.push((payload as { alerts: AlertsStatus | null }).alerts), { watches: false });
    const failing = await waitFor(() => store.getState().alerts, (status) => status?.queued === 1 && status.lastError === 'HTTP 500', { what: 'the failure in the store', timeoutMs: LONG });
    expect(failing).toMatchObject({ webhook: true, delivered: 0 });
    receiver.status = 200;
    await waitFor(() => store.getState().alerts, (status) => status?.queued === 0 && status.delivered === 1, { what: 'the delivery in the store', timeoutMs: LONG });
    expect(store.getState().alerts).toEqual(alerts());
    // Each event is a change: no two in a row say the same.
    expect(seen.length).toBeGreaterThan(0);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).not.toEqual(seen[i - 1]);
  });

  it('sends at most one per service per minute, folding the rest into one', async () => {
    const clock = manualClock();
    await start('[services.api]\ncommand = "exit 3"\nrestart = "on-failure"\nmax_restarts = 0\n', webhook(), { alertTiming: { clock } });
    const failures = async (count: number) => waitFor(() => service('api').transitions.filter((t) => t.to === 'failed').length, (n) => n >= count, { what: `${count} failures`, timeoutMs: LONG });
    await failures(1);
    await waitFor(() => posts(), (list) => list.length === 1, { what: 'the first alert', timeoutMs: LONG });
    for (const count of [2, 3]) {
      await orchestrator!.call('services.start', { name: 'api' });
      await failures(count);
    }
    await waitFor(() => lines.filter((line) => line.startsWith('alert for api held')).length, (n) => n === 2, { what: 'two held alerts' });
    expect(posts()).toHaveLength(1);
    expect(alerts().suppressed).toBe(1);
    clock.advance(60_000);
    await waitFor(() => posts(), (list) => list.length === 2, { what: 'the folded alert', timeoutMs: LONG });
    expect(posts()[1]).toMatchObject({ service: 'api', to: 'failed', suppressed: 1, id: `${manifestKey(file)}-2` });
    expect(posts()[1]!.time > posts()[0]!.time).toBe(true);
  });

  it('alerts when a device of a running service disappears', async () => {
    await mkdir(join(dir, 'dev'), { recursive: true });
    await writeFile(join(dir, 'dev', 'cam0'), '');
    await start('[services.cam]\ncommand = "sleep 600"\nrequires_devices = ["/dev/cam0"]\n[services.other]\ncommand = "sleep 600"\n', webhook());
    await waitFor(() => service('cam').state.kind, (kind) => kind === 'running', { what: 'cam running', timeoutMs: LONG });
    await unlink(join(dir, 'dev', 'cam0'));
    await waitFor(() => posts(), (list) => list.length === 1, { what: 'a device alert', timeoutMs: LONG });
    expect(posts()[0]).toMatchObject({ kind: 'device-missing', service: 'cam', from: 'running', to: 'stopping', reason: 'device /dev/cam0 disappeared; stopped until it is back' });
    await waitFor(() => service('cam').state.kind, (kind) => kind === 'blocked', { what: 'cam blocked' });
    expect(service('other').state.kind).toBe('running');
    // Back, and gone again within the minute: the second alert is held, not sent.
    await writeFile(join(dir, 'dev', 'cam0'), '');
    await waitFor(() => service('cam').state.kind, (kind) => kind === 'running', { what: 'cam running again', timeoutMs: LONG });
    await unlink(join(dir, 'dev', 'cam0'));
    await waitFor(() => lines.join('\n'), (text) => text.includes('alert for cam held'), { what: 'a held alert', timeoutMs: LONG });
    expect(posts()).toHaveLength(1);
    expect(existsSync(join(dir, 'dev', 'cam0'))).toBe(false);
  });

  it('takes [alerts] added to a running manifest, and stops alerting when it is removed', async () => {
    const trigger = join(dir, 'fail-now');
    const services = `[services.api]\ncommand = ${JSON.stringify(`while [ ! -f '${trigger}' ]; do sleep 0.05; done; exit 5`)}\nrestart = "on-failure"\nmax_restarts = 0\n`;
    await writeFile(file, services);
    orchestrator = await createOrchestrator({ manifestPath: file, stateDir: join(dir, 'state'), usbSource: null, deviceRoot: join(dir, 'dev'), statsIntervalMs: 0, cliArgv: sourceCliArgv, log: (line) => lines.push(line) });
    await waitFor(() => service('api')?.state.kind, (kind) => kind === 'running', { what: 'api running', timeoutMs: LONG });
    expect(orchestrator.snapshot().alerts).toBeNull();
    await writeFile(file, `${services}\n[alerts]\n${webhook()}\n`);
    await waitFor(() => orchestrator!.snapshot().alerts?.webhook, (on) => on === true, { what: 'the webhook configured', timeoutMs: LONG });
    await writeFile(trigger, '');
    await waitFor(() => posts(), (list) => list.length === 1, { what: 'an alert', timeoutMs: LONG });
    expect(posts()[0]).toMatchObject({ service: 'api', kind: 'service-failed' });
    // Removed: the next failure is not sent (the queue file stays for a later webhook).
    await writeFile(file, services);
    await waitFor(() => orchestrator!.snapshot().alerts, (status) => status !== undefined && status?.webhook === false, { what: 'the webhook removed', timeoutMs: LONG });
    await orchestrator!.call('services.start', { name: 'api' });
    await waitFor(() => service('api').transitions.filter((t) => t.to === 'failed').length, (n) => n === 2, { what: 'a second failure', timeoutMs: LONG });
    await orchestrator!.close();
    expect(posts()).toHaveLength(1);
    // Not held for later either: closing would have queued a held alert on disk.
    expect(lines.some((line) => line.startsWith('alert for api held'))).toBe(false);
    expect(JSON.parse(await readFile(alertQueuePath(join(dir, 'state'), manifestKey(file)), 'utf8')).items).toEqual([]);
  });

  it('beats while every autostarted service is in place and stops when one fails', async () => {
    const trigger = join(dir, 'fail-now');
    const failing = `while [ ! -f '${trigger}' ]; do sleep 0.05; done; exit 4`;
    await start(`[services.api]\ncommand = ${JSON.stringify(failing)}\nrestart = "on-failure"\nmax_restarts = 0\n[services.manual]\ncommand = "exit 1"\nautostart = false\n`, `heartbeat_url = "${receiver.url}/beat"\nheartbeat_interval_seconds = 0.1\n`);
    const changes: number[] = [];
    orchestrator!.hub.open((name) => name === 'alerts.changed' && changes.push(Date.now()), { watches: false });
    await waitFor(() => receiver.accepted('/beat').length, (n) => n >= 3, { what: 'three heartbeats', timeoutMs: LONG });
    // Every beat changes the status, but panels hear of it at most once a second.
    await waitFor(() => changes.length, (n) => n >= 3, { what: 'three alerts.changed events', timeoutMs: LONG });
    for (let i = 1; i < changes.length; i++) expect(changes[i] - changes[i - 1]).toBeGreaterThanOrEqual(990);
    expect(receiver.accepted('/beat')[0]!.method).toBe('GET');
    await writeFile(trigger, '');
    await waitFor(() => service('api').state.kind, (kind) => kind === 'failed', { what: 'api failed', timeoutMs: LONG });
    const failedAt = Date.now();
    // Two checks after the failure: the condition was seen false, and nothing went out.
    await waitFor(() => alerts().heartbeat!, (beat) => beat.checkedAt !== null && beat.checkedAt > failedAt + 150, { what: 'checks after the failure', timeoutMs: LONG });
    const count = receiver.requests.length;
    const firstAfter = alerts().heartbeat!.checkedAt!;
    await waitFor(() => alerts().heartbeat!.checkedAt!, (at) => at > firstAfter, { what: 'one more check' });
    expect(receiver.requests.length).toBe(count);
    expect(alerts().heartbeat).toMatchObject({ inPlace: false, why: 'api is failed' });
    expect(lines).toContain('heartbeat paused: api is failed');
    // No webhook configured: the failure is logged, not queued.
    expect(alerts()).toMatchObject({ webhook: false, queued: 0 });
    expect(receiver.accepted('/hook')).toHaveLength(0);
  });
});
