// `showrunner serve`: the headless daemon on a manifest (ARCHITECTURE.md §8).
import { resolve } from 'node:path';
import { builtinCliArgv } from '../cli-argv';
import { manifestKey } from '../engine/instance/manifest-key';
import { defaultStateDir } from '../engine/instance/state-dir';
import { demoManifestPath } from '../resource-paths';
import { listFlag, parseCliArgs, portFlag, stringFlag, UsageError } from '../parse-cli-args';
import { runDaemon, type DaemonRun } from './run-daemon';
import { serveFlags } from '../serve-flags';

/** `$PORT` (rule-loom, and most platforms that run a web process) when `--port` is not given. */
function environmentPort(): number {
  const raw = process.env.PORT;
  // The daemon's port, not the services': they would otherwise all inherit it and collide.
  delete process.env.PORT;
  if (raw === undefined || raw === '') return 7420;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`$PORT must be a port number from 0 to 65535, not ${JSON.stringify(raw)}`);
  return port;
}

/** `--tls`, or `--tls-cert F --tls-key F` (which imply it); undefined: plain HTTP. */
function tlsFlags(parsed: ReturnType<typeof parseCliArgs>): DaemonRun['tls'] {
  const certFile = stringFlag(parsed, 'tls-cert');
  const keyFile = stringFlag(parsed, 'tls-key');
  if ((certFile === undefined) !== (keyFile === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  if (certFile === undefined && parsed.flags.tls !== true) return undefined;
  return { certFile: certFile && resolve(certFile), keyFile: keyFile && resolve(keyFile) };
}

export async function serveCommand(argv: string[]): Promise<number> {
  const parsed = parseCliArgs(argv, serveFlags);
  if (parsed.positionals.length) throw new UsageError(`serve takes no positional arguments (got ${parsed.positionals.join(' ')})`);
  const config = stringFlag(parsed, 'config');
  const logDir = stringFlag(parsed, 'log-dir');
  const manifestPath = config ? resolve(config) : demoManifestPath();
  const logFormat = stringFlag(parsed, 'log-format') ?? 'text';
  if (logFormat !== 'text' && logFormat !== 'json') throw new UsageError(`--log-format is text or json, not ${JSON.stringify(logFormat)}`);
  return runDaemon({
    host: stringFlag(parsed, 'host') ?? '127.0.0.1',
    port: portFlag(parsed, 'port', environmentPort()),
    logFormat,
    token: stringFlag(parsed, 'token'),
    newToken: parsed.flags['new-token'] === true,
    viewerToken: stringFlag(parsed, 'viewer-token'),
    tls: tlsFlags(parsed),
    servePage: true,
    instance: { key: manifestKey(manifestPath), label: manifestPath, command: 'serve' },
    quiet: parsed.flags.quiet === true,
    orchestrator: {
      manifestPath,
      services: listFlag(parsed, 'services'),
      testing: parsed.flags.testing === true,
      root: stringFlag(parsed, 'root'),
      logDir: logDir ? resolve(logDir) : undefined,
      stateDir: resolve(stringFlag(parsed, 'state-dir') ?? defaultStateDir()),
      deviceRoot: stringFlag(parsed, 'device-root'),
      cliArgv: builtinCliArgv(),
    },
  });
}
