// What `serve` and `mrmd` share: an orchestrator behind the daemon's HTTP server, the lasting
// token, the one `listening` line, the discovery record, and a clean stop of everything on a
// signal.
import { renderPrometheusMetrics } from '../engine/api/prometheus-metrics';
import { createOrchestrator, type OrchestratorOptions } from '../engine/orchestrator';
import { startDaemonServer, type DaemonServer } from './daemon-server';
import { newDaemonRecord, removeDaemonRecord, writeDaemonRecord } from '../attach/daemon-record';
import { instanceToken } from './instance-token';
import { panelUrl } from '../attach/panel-url';
import { acquireSupervisorLock } from '../attach/supervisor-lock';
import { MIN_REMOTE_TOKEN_LENGTH } from './token-auth';
import { isLoopbackHost } from '../engine/net/loopback-host';
import { deferred } from '../engine/supervisor/deferred';
import { installDaemonShutdown } from './daemon-shutdown';
import { mrmdEditorDir, rendererDir } from '../resource-paths';
import type { ServiceSnapshot, Transition } from '../../shared/model';
import { transitionLine } from './transition-line';
import { StatusFile, previousUncleanExit } from '../attach/status-file';
import { jsonLogLine } from './json-log-line';
import { prepareAccess } from './prepare-access';
import { manifestViewerToken } from './manifest-viewer-token';
import { openEngineAudit } from '../attach/audit-log';

export interface DaemonRun {
  orchestrator: Omit<OrchestratorOptions, 'log'>;
  host: string;
  port: number;
  /** `--token`; else SHOWRUNNER_TOKEN; else the instance's stored token. */
  token?: string;
  /** `--new-token`: replace the stored token. */
  newToken?: boolean;
  /** `--viewer-token` (else SHOWRUNNER_VIEWER_TOKEN, else the manifest's `[access]`). */
  viewerToken?: string;
  /** `--tls` (a generated certificate) or `--tls-cert/--tls-key`; undefined: plain HTTP. */
  tls?: { certFile?: string; keyFile?: string };
  /** False for `mrmd --no-editor`: the API only, no page. */
  servePage: boolean;
  /** Names this daemon's token file and discovery record (engine/instance/manifest-key.ts). */
  instance: { key: string; label: string; command: 'serve' | 'mrmd' };
  /** `--quiet`: no line per service state change on stderr. */
  quiet?: boolean;
  /** `--log-format json`: stderr lines as JSON objects, one per line. */
  logFormat?: 'text' | 'json';
}

export async function runDaemon({ orchestrator: orchestratorOptions, host, port, token: givenToken, newToken, viewerToken: viewerFlag, tls: tlsRequest, servePage, instance, quiet = false, logFormat = 'text' }: DaemonRun): Promise<number> {
  const json = logFormat === 'json';
  const log = (line: string) => process.stderr.write(json ? jsonLogLine({ msg: line }) : `${line}\n`);
  // Read once and drop it, so the supervised services do not inherit the daemon's secret.
  const fromEnv = process.env.SHOWRUNNER_TOKEN;
  delete process.env.SHOWRUNNER_TOKEN;
  const viewerEnv = process.env.SHOWRUNNER_VIEWER_TOKEN;
  delete process.env.SHOWRUNNER_VIEWER_TOKEN;
  if (givenToken !== undefined && newToken) {
    log('showrunner: --token and --new-token exclude each other');
    return 2;
  }
  // Before the lock, the first thing that needs undoing: a signal from here on stops us
  // cleanly. Each step below registers its undo; after each, a stop asked for meanwhile runs.
  const shutdown = installDaemonShutdown(log);
  // One supervisor per manifest (issue 11): the lock sits in the state dir, by default the one
  // the desktop app uses too, which then attaches to this daemon instead of supervising twice.
  const manifestPath = orchestratorOptions.staticManifest ? null : orchestratorOptions.manifestPath;
  const lock = manifestPath ? await acquireSupervisorLock({ manifestPath, stateDir: orchestratorOptions.stateDir, holder: 'daemon' }) : null;
  if (lock && !lock.ok) {
    const { holder } = lock;
    const hint = holder.url ? ` at ${holder.url} (\`showrunner url --config ${manifestPath}\` prints its panel URL)` : '';
    log(`showrunner: ${manifestPath} is already supervised by the ${holder.holder} (pid ${holder.pid})${hint}`);
    return 1;
  }
  if (lock?.ok) shutdown.track(() => lock.lock.release());
  if (shutdown.requested) return shutdown.finish();
  // After the lock: a refused second daemon must not rotate the running one's stored token.
  const token = (await instanceToken({ stateDir: orchestratorOptions.stateDir, key: instance.key, given: givenToken, fromEnv, rotate: newToken })).token;
  if (!isLoopbackHost(host) && token.length < MIN_REMOTE_TOKEN_LENGTH) {
    log(`showrunner: refusing to listen on ${host} with a token of ${token.length} characters: beyond loopback it must have at least ${MIN_REMOTE_TOKEN_LENGTH} (omit --token to use the stored one).`);
    await shutdown.finish();
    return 2;
  }
  const viewerFromManifest = manifestPath && viewerFlag === undefined && !viewerEnv ? await manifestViewerToken(manifestPath) : undefined;
  const access = await prepareAccess({ host, operatorToken: token, viewerFlag, viewerEnv, viewerFromManifest, tls: tlsRequest, stateDir: orchestratorOptions.stateDir, key: instance.key });
  if (!access.ok) {
    log(`showrunner: ${access.message}`);
    await shutdown.finish();
    return 2;
  }
  if (access.tls) log(`showrunner: TLS certificate ${access.tls.certPath} (${access.tls.source}), SHA-256 fingerprint ${access.tls.fingerprint}`);
  if (shutdown.requested) return shutdown.finish();
  // Listen first (issue 23): services start, and a crashed predecessor's trees are cleaned up,
  // only once the server answers, so /health and the panel never wait for them. Its
  // supervisor state (orphan cleanup) is keyed as its lock and record: one per instance.
  const listening = deferred<void>();
  const onTransition = quiet
    ? undefined
    : (service: ServiceSnapshot, transition: Transition) =>
        json
          ? process.stderr.write(jsonLogLine({ msg: transitionLine(service, transition), service: service.name, from: transition.from, to: transition.to, reason: transition.reason }))
          : log(transitionLine(service, transition));
  let server: DaemonServer;
  // mrmd's editor page (issue 24) opens documents on the sync server and asks the runtime for
  // capabilities from the daemon's own origin; they accept that one and no other.
  const editor = servePage && instance.command === 'mrmd';
  const pageOrigins = editor ? () => server.origins : undefined;
  // Under the lock: a status file still saying `running` was left by a daemon that died (issue 18).
  const uncleanExit = await previousUncleanExit(orchestratorOptions.stateDir, instance.key);
  const orchestrator = await createOrchestrator({ ...orchestratorOptions, instanceKey: instance.key, log, onTransition, startServicesAfter: listening.promise, pageOrigins, uncleanExit });
  // Closing stops what runs (whole trees) and keeps what has not started from starting; it also
  // cuts short the cleanup of a predecessor's orphans, which already had their stop signal.
  shutdown.track(() => orchestrator.close());
  shutdown.onHurry(() => orchestrator.hurry());
  if (shutdown.requested) return shutdown.finish();
  // Who changed what (issue 18): beside the logs, per instance as they are; read back on start.
  const audit = await openEngineAudit(orchestrator.logs, log);
  shutdown.track(() => audit.flushed());
  try {
    server = await startDaemonServer({
      hub: orchestrator.hub,
      call: (method, args) => orchestrator.call(method as never, args as never),
      urls: () => {
        const { sync, runtimes } = orchestrator.urls();
        return { api: server.url, panel: servePage ? `${server.url}/` : null, editor: editor ? `${server.url}/editor/` : null, sync, runtimes, runtime: runtimes.bash ?? null };
      },
      metrics: () => renderPrometheusMetrics(orchestrator.snapshot(), orchestrator.rolloutFigures()),
      token,
      viewerToken: access.viewerToken,
      audit,
      tls: access.tls,
      host,
      port,
      rendererDir: servePage ? rendererDir() : null,
      editorDir: editor ? mrmdEditorDir() : null,
      log,
    });
  } catch (error) {
    log(`showrunner: cannot listen on ${host}:${port}: ${(error as Error).message}`);
    await shutdown.finish();
    return 1;
  }
  shutdown.track(() => server.close());
  if (shutdown.requested) return shutdown.finish();
  // For external watchdogs (issue 17): one file per instance, rewritten on every change.
  const status = new StatusFile({ hub: orchestrator.hub, stateDir: orchestratorOptions.stateDir, instanceKey: instance.key, manifest: instance.label, snapshot: () => orchestrator.snapshot(), url: () => server.url, log });
  await status.write();
  // Its last write (`running: false`) comes after every service has stopped (closes are
  // idempotent). The server closes first, as it would without a status file: a panel keeps
  // the last live states under its "Disconnected" overlay, never the shutdown's own stops
  // read as "Stopped by operator".
  shutdown.track(async () => {
    await server.close();
    await orchestrator.close();
    await status.close();
  });
  if (shutdown.requested) return shutdown.finish();
  if (lock?.ok) await lock.lock.update({ url: server.url, token, ...(access.tls ? { certificate: access.tls.certPath } : {}) });
  // Registered before the write: a stop during it still removes the record (only ours: by pid).
  shutdown.track(() => removeDaemonRecord(instance.key));
  await writeDaemonRecord(newDaemonRecord({ url: server.url, token, manifest: instance.label, key: instance.key, command: instance.command, certificate: access.tls?.certPath, viewerToken: access.viewerToken }));
  if (shutdown.requested) return shutdown.finish();
  // A supervisor must outlive a bad request or a bug in one part: report, keep supervising.
  process.on('uncaughtException', (error) => log(`uncaught exception: ${error.stack ?? error.message}`));
  process.on('unhandledRejection', (reason) => log(`unhandled rejection: ${String(reason)}`));

  process.stdout.write(`Showrunner listening on ${panelUrl(server.url, token)}\n`);
  listening.resolve();
  await shutdown.whenRequested;
  return shutdown.finish();
}
