// The composition root (STYLE.md §1): builds the engine's parts, wires their events into the
// contract's, and implements the contract. Read top to bottom; no container.
import { ORCHESTRATOR_LOG, RUNS_LOG_DIR } from '../../shared/reserved-names';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ContractError, type MethodArgs, type MethodName, type MethodResult, type Reply } from '../../shared/contract';
import type { ManifestProblem, Notice, ServiceSnapshot, SystemSnapshot, Transition } from '../../shared/model';
import type { ContractHandlers } from './api/contract-dispatcher';
import { EventHub, type ClientSession } from './api/event-hub';
import { loadManifest } from './config/load-manifest';
import { DEFAULT_LOG_RETENTION } from './config/read-logs';
import { ManifestWatcher } from './config/manifest-watcher';
import type { LoadResult, Manifest, ServiceSpec } from './config/manifest-types';
import { formatProblem } from './config/format-problem';
import { DeviceRegistry } from './devices/device-registry';
import type { DeviceSource } from './devices/device-source';
import { DevPathWatcher } from './devices/dev-path-watcher';
import { UsbSource } from './devices/usb-source';
import { LogStore } from './logs/log-store';
import { manifestKey } from './instance/manifest-key';
import { Supervisor } from './supervisor/supervisor';
import { resolveLogDir } from './instance/resolve-log-dir';
import { planBuiltins, type BuiltinPlan } from './parts/builtin-services';
import { findFreePort } from './net/find-free-port';
import { MonitorControl } from './monitors/monitor-control';
import { monitorProcessName } from './monitors/monitor-process-name';
import type { LogLevel } from './parts/log-level';
import { ServiceEditor } from './api/service-editor';
import { RolloutRunner, rolloutHandlers, rolloutHost, type RolloutFigures, type RolloutTiming } from './compose/rollout-runner';
import { AlertDispatcher, type AlertDispatcherOptions } from './alerts/alert-dispatcher';

export interface OrchestratorOptions {
  manifestPath: string;
  /** `--services A B`: only these and their dependencies. */
  services?: string[];
  testing?: boolean;
  root?: string;
  logDir?: string;
  /** Where the supervisor keeps its state file (orphan cleanup) and fallback logs. */
  stateDir: string;
  /** Names this instance's supervisor state (orphan cleanup); default the manifest's key, as its lock. */
  instanceKey?: string;
  watchManifest?: boolean;
  /** Where `/dev` paths are looked up (tests use a temp dir). */
  deviceRoot?: string;
  /** USB hot-plug source; default the `usb` package, `null` for none. */
  usbSource?: DeviceSource | null;
  deviceDebounceMs?: number;
  statsIntervalMs?: number;
  /** argv that runs our CLI, for the built-in parts (`sync-server`, `mrp-runtime`). */
  cliArgv: string[];
  /** Port of the built-in MRP runtime; default a free one, chosen once. */
  runtimePort?: number;
  /** Whether the built-in runtime runs: 'auto' (with a `[monitors]` table), 'on', 'off'. */
  runtime?: 'auto' | 'on' | 'off';
  /**
   * `mrmd` mode: the built-in runtime stays open on loopback, as mrmd's, for mrmd-editor and
   * the real mrmd-monitor. Otherwise it requires a token made here (issue 15).
   */
  openRuntime?: boolean;
  /** A manifest built in code (the `mrmd` command) instead of a file: nothing is watched. */
  staticManifest?: Manifest;
  monitorLogLevel?: LogLevel;
  /** `--no-monitors`. */
  monitorsDisabled?: boolean;
  /** Origins the built-in sync server and runtime accept; read when the manifest is applied (mrmd's editor page). */
  pageOrigins?: () => string[];
  /** Every service state change, as it happens (the daemon prints one line each on stderr). */
  onTransition?: (service: ServiceSnapshot, transition: Transition) => void;
  /** The first manifest is applied once this settles (the daemon: once it listens). */
  startServicesAfter?: Promise<unknown>;
  /** Lines for the supervisor's own log, also echoed here (the daemon prints them). */
  log?: (line: string) => void;
  /** Roll-out verify backoff (tests shorten it). */
  rolloutTiming?: RolloutTiming;
  /** The previous daemon of this instance did not stop cleanly: an `[alerts]` alert at start. */
  uncleanExit?: AlertDispatcherOptions['uncleanExit'];
  /** Tests: the once-per-service window, its clock and the retry delays of `[alerts]`. */
  alertTiming?: Pick<AlertDispatcherOptions, 'windowMs' | 'clock' | 'delivery'>;
}

export interface Orchestrator {
  readonly hub: EventHub;
  readonly manifestPath: string;
  readonly logs: LogStore;
  /** In-process call with the same validation and envelope as every shell. */
  call<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<Reply<MethodResult<M>>>;
  snapshot(): SystemSnapshot;
  /** Where the mrmd parts are: the sync server monitors join and the runtime per language. */
  urls(): { sync: string | null; runtimes: Record<string, string> };
  /** Stops every service (reverse dependency order) and releases watchers, timers, files. */
  close(): Promise<void>;
  /** A second stop signal: every tree, and any orphan still being cleaned up, gets SIGKILL now. */
  hurry(): void;
  /** Roll-out counters for `GET /metrics`. */
  rolloutFigures(): RolloutFigures;
}

export async function createOrchestrator(options: OrchestratorOptions): Promise<Orchestrator> {
  const { manifestPath, stateDir } = options;
  const loadOptions = { services: options.services, testing: options.testing, root: options.root, logDir: options.logDir };
  await mkdir(stateDir, { recursive: true });

  const first: LoadResult = options.staticManifest ? { ok: true, manifest: options.staticManifest } : await loadManifest(manifestPath, loadOptions);
  const logDir = await resolveLogDir(first.ok ? first.manifest.logDir : (options.logDir ?? join(dirname(manifestPath), 'logs')), stateDir);
  const notices: Notice[] = [];
  const logs = new LogStore({ logDir, onProblem: (message) => notify('logs', 'warning', message) });
  // Each client follows its processes on the log store's fan-out itself (EventHub, LogFollow).
  const hub: EventHub = new EventHub(() => handlers, (line) => say(line), logs);

  function say(line: string): void {
    logs.write(ORCHESTRATOR_LOG, 'system', line + '\n');
    options.log?.(line);
  }
  function notify(id: string, level: Notice['level'], message: string): void {
    const notice: Notice = { id, level, message, at: Date.now() };
    const index = notices.findIndex((existing) => existing.id === id);
    if (index >= 0) notices.splice(index, 1);
    notices.push(notice);
    say(`${level}: ${message}`);
    hub.publish('notice', notice);
  }

  let manifest: Manifest | null = first.ok ? first.manifest : null;
  let problems: ManifestProblem[] = first.ok ? [] : first.problems;
  for (const problem of problems) say(`manifest: ${formatProblem(problem)}`);

  // Keyed as the supervisor lock is: orphan cleanup only ever touches this manifest's leftovers.
  const instanceKey = options.instanceKey ?? manifestKey(manifestPath);
  const supervisor = new Supervisor({ logs, stateDir, instanceKey, statsIntervalMs: options.statsIntervalMs });
  hub.onClientCount = (count) => supervisor.setWatched(count > 0);
  const alerts = new AlertDispatcher({ stateDir, instanceKey, manifestPath, log: say, services: () => supervisor.snapshot(), uncleanExit: options.uncleanExit, onChange: (status) => hub.publish('alerts.changed', { alerts: status }), ...options.alertTiming });
  supervisor.on('service', (service, transition) => {
    hub.publish('service.changed', { service, transition });
    if (transition) options.onTransition?.(service, transition);
    if (transition) alerts.serviceChanged(service, transition);
  });
  supervisor.on('removed', (name) => hub.publish('service.removed', { name }));
  supervisor.on('cleanup', (event) =>
    event.phase === 'started'
      ? notify('cleanup', 'info', 'cleaning up processes left by a previous run; services start once it is done')
      : notify('cleanup', 'info', `cleaned up ${event.count} processes left by a previous run`),
  );

  const sources: DeviceSource[] = [new DevPathWatcher({ root: options.deviceRoot ?? '/dev' })];
  const usb = options.usbSource === undefined ? new UsbSource() : options.usbSource;
  if (usb) sources.push(usb);
  const devices = new DeviceRegistry({ sources, debounceMs: options.deviceDebounceMs });
  devices.on('changed', ({ devices: list, missingByService }) => {
    const before = new Map([...missingByService].filter(([, missing]) => missing.length > 0).map(([name]) => [name, supervisor.get(name)?.state.kind ?? 'gone']));
    for (const [name, missing] of missingByService) supervisor.setMissingDevices(name, missing);
    alerts.devicesChanged(missingByService, before, (name) => manifest?.services.find((spec) => spec.name === name)?.deviceRestartPolicy !== 'on_reconnect');
    hub.publish('devices.changed', { devices: list });
  });
  supervisor.checkDevicesWith(() => devices.settleNow());
  devices.on('notice', (notice: { id: string; level: Notice['level']; message: string }) => notify(notice.id, notice.level, notice.message));

  const monitors = new MonitorControl({
    logs,
    logLevel: options.monitorLogLevel,
    disabled: options.monitorsDisabled,
    events: {
      monitor: (snapshot) => hub.publish('monitor.changed', snapshot),
      removed: (doc) => hub.publish('monitor.removed', { doc }),
      execution: (snapshot) => hub.publish('execution.changed', snapshot),
    },
  });
  const runtimePort = options.runtimePort ?? (await findFreePort());
  // One per orchestrator, like the port, so a reload never restarts the runtime for it.
  const runtimeToken = options.openRuntime ? undefined : randomBytes(32).toString('base64url');
  let builtins: BuiltinPlan = { specs: [], syncUrl: null, runtimes: {}, runtimeTokens: {} };

  let closing = false;
  async function applyManifest(next: Manifest): Promise<void> {
    logs.setRetention(next.logs ?? DEFAULT_LOG_RETENTION);
    alerts.configure(next.alerts);
    await devices.update(next.services);
    if (closing) return;
    // Device gates are known before any service starts, so none starts without its hardware.
    for (const [name, missing] of devices.missingByService()) supervisor.setMissingDevices(name, missing);
    builtins = planBuiltins(next, { cliArgv: options.cliArgv, runtimePort, runtime: options.runtime, runtimeToken, logLevel: options.monitorLogLevel, pageOrigins: options.pageOrigins?.() });
    const origins = new Map<string, ServiceSnapshot['origin']>(builtins.specs.map((spec) => [spec.name, 'builtin' as const]));
    for (const name of next.overlay?.services ?? []) origins.set(name, 'api');
    await supervisor.apply([...builtins.specs, ...next.services], origins);
    if (closing) return;
    await monitors.configure({
      syncUrl: builtins.syncUrl,
      syncToken: builtins.syncToken,
      runtimes: builtins.runtimes,
      runtimeTokens: builtins.runtimeTokens,
      allowedRuntimeUrls: next.monitors?.allowedRuntimeUrls ?? [],
      documents: next.monitors?.documents ?? [],
    });
    hub.publish('devices.changed', { devices: devices.snapshot() });
  }

  say(`showrunner supervising ${manifestPath}`);

  const watcher =
    options.watchManifest === false || options.staticManifest
      ? null
      : new ManifestWatcher({ file: manifestPath, manifest, load: loadOptions, onChange: (change) => void onManifestChange(change) });

  // Changes apply one at a time, in the order they were read. The first is under way when this
  // function returns: a shell answers (the daemon listens) while services start, and while
  // the supervisor first cleans up what a crashed predecessor left.
  let applying: Promise<void> = Promise.resolve();
  if (manifest) {
    const initial = manifest;
    applying = Promise.resolve(options.startServicesAfter)
      .then(() => applyManifest(initial))
      .catch((error: unknown) => {
      if (!closing) say(`applying the manifest failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    });
  }
  function onManifestChange(change: { ok: true; manifest: Manifest } | { ok: false; problems: ManifestProblem[] }): Promise<void> {
    applying = applying
      .then(() => applyChange(change))
      .catch((error: unknown) => say(`applying the manifest failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
    return applying;
  }

  async function applyChange(change: { ok: true; manifest: Manifest } | { ok: false; problems: ManifestProblem[] }): Promise<void> {
    if (!change.ok) {
      problems = change.problems;
      say('manifest change rejected, nothing applied:');
      for (const problem of problems) say(`  ${formatProblem(problem)}`);
    } else {
      problems = [];
      manifest = change.manifest;
      say('manifest changed: applying the difference');
      await applyManifest(change.manifest);
    }
    hub.publish('manifest.changed', { manifestPath, problems });
  }

  async function reload(): Promise<{ applied: boolean; problems: ManifestProblem[] }> {
    if (watcher) {
      const change = await watcher.reload();
      await applying;
      return { applied: change?.ok ?? false, problems };
    }
    const result = await loadManifest(manifestPath, loadOptions);
    await onManifestChange(result);
    return { applied: result.ok, problems };
  }

  function snapshot(): SystemSnapshot {
    return {
      manifestPath,
      services: supervisor.snapshot(),
      devices: devices.snapshot(),
      monitors: monitors.list(),
      problems,
      notices: [...notices],
      logProcesses: [
        ORCHESTRATOR_LOG,
        ...supervisor.snapshot().map((service) => service.name),
        ...monitors.list().map((monitor) => monitorProcessName(monitor.doc)),
      ],
      alerts: alerts.status(),
    };
  }

  const editor = new ServiceEditor({
    manifestPath: options.staticManifest ? null : manifestPath,
    loadOptions,
    serviceNames: () => supervisor.snapshot().map((service) => service.name),
    reload,
  });
  function serviceNamed(name: string): ServiceSnapshot {
    const found = supervisor.snapshot().find((service) => service.name === name);
    if (!found) throw new ContractError('internal', `${name} was written but is not supervised; see the orchestrator log`);
    return found;
  }

  // Roll-outs of compose services (issue 19): runs and their artifacts under `runs/` in the log dir.
  const rollouts = await RolloutRunner.open(join(logDir, RUNS_LOG_DIR), options.rolloutTiming, rolloutHost(() => manifest, supervisor, hub, say));

  const handlers: ContractHandlers = {
    'system.subscribe': () => ({ snapshot: snapshot(), seq: hub.currentSeq }),
    // In process (the desktop app, tests) the caller is the operator; the daemon answers for its clients.
    'access.role': () => ({ role: 'operator' as const }),
    'services.list': () => supervisor.snapshot(),
    'services.start': ({ name }) => supervisor.start(name),
    'services.stop': ({ name }) => supervisor.stop(name),
    'services.restart': ({ name }) => supervisor.restart(name),
    'services.kill': ({ name }) => supervisor.kill(name),
    'services.setEnabled': ({ name, enabled }) => supervisor.setEnabled(name, enabled),
    'services.startAll': () => supervisor.startAll(),
    'services.stopAll': () => supervisor.stopAll(),
    'services.restartAll': () => supervisor.restartAll(),
    'services.add': async (definition) => (await editor.add(definition), serviceNamed(definition.name)),
    'services.update': async ({ name, changes }) => (await editor.update(name, changes), serviceNamed(name)),
    'services.remove': async ({ name }) => (await editor.remove(name), { name, removed: true }),
    'manifest.problems': () => problems,
    'manifest.reload': () => reload(),
    'logs.tail': ({ process, maxBytes }) => logs.tail(process, maxBytes),
    'logs.lines': ({ process, lines }) => ({ process, lines: logs.lines(process, lines ?? 50) }),
    'logs.follow': ({ processes, from }, context) => ({ processes: context.follow(processes, from) }),
    'logs.filePath': ({ process }) => ({ path: logs.filePath(process) }),
    'logs.openFile': ({ process }) => {
      // Opening a file is the desktop shell's job (app/ipc.ts); a daemon's files are on its host.
      throw new ContractError('unavailable', 'only the desktop app opens log files', { path: logs.filePath(process) });
    },
    'devices.list': () => devices.snapshot(),
    'monitors.list': () => monitors.list(),
    'monitors.start': ({ doc }) => monitors.start(doc),
    'monitors.stop': ({ doc }) => monitors.stop(doc),
    'executions.list': ({ doc }) => monitors.executions(doc),
    'executions.cancel': ({ doc, id }) => monitors.cancel(doc, id),
    'executions.reply': ({ doc, id, text }) => monitors.reply(doc, id, text),
    ...rolloutHandlers(rollouts),
  };

  const internal: ClientSession = hub.caller();
  let closed: Promise<void> | null = null;

  return {
    hub,
    manifestPath,
    logs,
    call: (method, args) => internal.call(method, args) as never,
    snapshot,
    urls: () => ({ sync: builtins.syncUrl, runtimes: { ...builtins.runtimes } }),
    close() {
      closed ??= (async () => {
        closing = true;
        watcher?.close();
        await monitors.close();
        await rollouts.close();
        say('stopping all services');
        await supervisor.dispose();
        // After the stops: a failure they caused is queued too; what is queued stays on disk.
        await alerts.close();
        await devices.close();
        internal.close();
        say('stopped');
        await logs.close();
      })();
      return closed;
    },
    hurry: () => supervisor.hurry(),
    rolloutFigures: () => rollouts.metrics.snapshot(),
  };
}

export type { ServiceSpec };
