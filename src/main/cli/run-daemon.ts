// What `serve` and `mrmd` share: an orchestrator behind the daemon's HTTP server, the one
// `listening` line, the discovery file, and a clean stop of everything on a signal.
import { renderPrometheusMetrics } from '../engine/api/prometheus-metrics';
import { createOrchestrator, type OrchestratorOptions } from '../engine/orchestrator';
import { startDaemonServer, type DaemonServer } from '../daemon/daemon-server';
import { removeDiscoveryFile, writeDiscoveryFile } from '../daemon/discovery-file';
import { acquireSupervisorLock } from '../daemon/supervisor-lock';
import { generateToken, isLoopbackHost } from '../daemon/token-auth';
import { rendererDir } from '../resource-paths';
import type { ServiceSnapshot, Transition } from '../../shared/model';
import { transitionLine } from './transition-line';

export interface DaemonRun {
  orchestrator: Omit<OrchestratorOptions, 'log'>;
  host: string;
  port: number;
  token?: string;
  /** False for `mrmd --no-editor`: the API only, no page. */
  servePage: boolean;
  /** `--quiet`: no line per service state change on stderr. */
  quiet?: boolean;
}

export async function runDaemon({ orchestrator: orchestratorOptions, host, port, token: givenToken, servePage, quiet = false }: DaemonRun): Promise<number> {
  if (!isLoopbackHost(host) && !givenToken) {
    process.stderr.write(`showrunner: refusing to listen on ${host} without --token: anyone on the network could run commands.\n`);
    return 2;
  }
  const token = givenToken ?? generateToken();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  // One supervisor per manifest (issue 11): the lock sits in the state dir, by default the one
  // the desktop app uses too, which then attaches to this daemon instead of supervising twice.
  const manifestPath = orchestratorOptions.staticManifest ? null : orchestratorOptions.manifestPath;
  const lock = manifestPath ? await acquireSupervisorLock({ manifestPath, stateDir: orchestratorOptions.stateDir, holder: 'daemon' }) : null;
  if (lock && !lock.ok) {
    const { holder } = lock;
    log(`showrunner: ${manifestPath} is already supervised by the ${holder.holder} (pid ${holder.pid})${holder.url ? ` at ${holder.url}` : ''}`);
    return 1;
  }
  const onTransition = quiet ? undefined : (service: ServiceSnapshot, transition: Transition) => log(transitionLine(service, transition));
  const orchestrator = await createOrchestrator({ ...orchestratorOptions, log, onTransition });
  let server: DaemonServer;
  try {
    server = await startDaemonServer({
      hub: orchestrator.hub,
      call: (method, args) => orchestrator.call(method as never, args as never),
      urls: () => {
        const { sync, runtimes } = orchestrator.urls();
        return { api: server.url, panel: servePage ? `${server.url}/` : null, sync, runtimes, runtime: runtimes.bash ?? null };
      },
      metrics: () => renderPrometheusMetrics(orchestrator.snapshot()),
      token,
      host,
      port,
      rendererDir: servePage ? rendererDir() : null,
      log,
    });
  } catch (error) {
    log(`showrunner: cannot listen on ${host}:${port}: ${(error as Error).message}`);
    await orchestrator.close();
    if (lock?.ok) await lock.lock.release();
    return 1;
  }
  if (lock?.ok) await lock.lock.update({ url: server.url, token });
  await writeDiscoveryFile({ url: server.url, token, pid: process.pid, manifest: manifestPath });
  process.stdout.write(`Showrunner listening on ${server.url}/?token=${token}\n`);

  // A supervisor must outlive a bad request or a bug in one part: report, keep supervising.
  process.on('uncaughtException', (error) => log(`uncaught exception: ${error.stack ?? error.message}`));
  process.on('unhandledRejection', (reason) => log(`unhandled rejection: ${String(reason)}`));

  return await new Promise<number>((resolveExit) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: stopping all services`);
      await server.close();
      await orchestrator.close();
      await removeDiscoveryFile();
      if (lock?.ok) await lock.lock.release();
      resolveExit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGHUP', () => void stop('SIGHUP'));
  });
}
