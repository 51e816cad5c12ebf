// `showrunner serve`: the headless daemon (ARCHITECTURE.md §8). Prints exactly one line on
// stdout when ready; everything else it says goes to stderr and the orchestrator log.
import { resolve } from 'node:path';
import { renderPrometheusMetrics } from '../engine/api/prometheus-metrics';
import { createOrchestrator } from '../engine/orchestrator';
import { defaultStateDir } from '../engine/state-dir';
import { startDaemonServer, type DaemonServer } from '../daemon/daemon-server';
import { removeDiscoveryFile, writeDiscoveryFile } from '../daemon/discovery-file';
import { generateToken, isLoopbackHost } from '../daemon/token-auth';
import { builtinCliArgv } from '../cli-argv';
import { demoManifestPath, rendererDir } from '../resource-paths';
import { listFlag, parseCliArgs, portFlag, stringFlag, UsageError } from './parse-cli-args';

export const serveFlags = {
  config: { kind: 'string' },
  services: { kind: 'list' },
  testing: { kind: 'boolean' },
  root: { kind: 'string' },
  host: { kind: 'string' },
  port: { kind: 'string' },
  token: { kind: 'string' },
  'log-dir': { kind: 'string' },
  'state-dir': { kind: 'string' },
  'device-root': { kind: 'string' },
} as const;

export async function serveCommand(argv: string[]): Promise<number> {
  const parsed = parseCliArgs(argv, serveFlags);
  if (parsed.positionals.length) throw new UsageError(`serve takes no positional arguments (got ${parsed.positionals.join(' ')})`);
  const host = stringFlag(parsed, 'host') ?? '127.0.0.1';
  const port = portFlag(parsed, 'port', 7420);
  const givenToken = stringFlag(parsed, 'token');
  if (!isLoopbackHost(host) && !givenToken) {
    process.stderr.write(`showrunner: refusing to listen on ${host} without --token: anyone on the network could run commands.\n`);
    return 2;
  }
  const token = givenToken ?? generateToken();
  const config = stringFlag(parsed, 'config');
  const manifestPath = config ? resolve(config) : demoManifestPath();
  const log = (line: string) => process.stderr.write(`${line}\n`);

  const orchestrator = await createOrchestrator({
    manifestPath,
    services: listFlag(parsed, 'services'),
    testing: parsed.flags.testing === true,
    root: stringFlag(parsed, 'root'),
    logDir: stringFlag(parsed, 'log-dir') ? resolve(stringFlag(parsed, 'log-dir')!) : undefined,
    stateDir: resolve(stringFlag(parsed, 'state-dir') ?? defaultStateDir()),
    deviceRoot: stringFlag(parsed, 'device-root'),
    cliArgv: builtinCliArgv(),
    log,
  });
  let server: DaemonServer | undefined;
  try {
    server = await startDaemonServer({
      hub: orchestrator.hub,
      call: (method, args) => orchestrator.call(method as never, args as never),
      urls: () => ({ api: server?.url ?? null }),
      metrics: () => renderPrometheusMetrics(orchestrator.snapshot()),
      token,
      host,
      port,
      rendererDir: rendererDir(),
      log,
    });
  } catch (error) {
    log(`showrunner: cannot listen on ${host}:${port}: ${(error as Error).message}`);
    await orchestrator.close();
    return 1;
  }
  const listening = server;
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
      await listening.close();
      await orchestrator.close();
      await removeDiscoveryFile();
      resolveExit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGHUP', () => void stop('SIGHUP'));
  });
}
