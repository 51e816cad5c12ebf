// `showrunner mrmd`: mrmd-orchestrator's command (seed 000, ARCHITECTURE.md §8) on our engine:
// the built-in sync server and runtime as supervised services, monitors per document, the
// mrmd-orchestrator HTTP API, and our panel in place of the editor's static files.
import { resolve } from 'node:path';
import { builtinCliArgv } from '../cli-argv';
import type { Manifest } from '../engine/config/manifest-types';
import { isLogLevel } from '../engine/parts/log-level';
import { instanceKey } from '../engine/instance/manifest-key';
import { defaultStateDir } from '../engine/instance/state-dir';
import { listFlag, parseCliArgs, portFlag, stringFlag, UsageError } from '../parse-cli-args';
import { installPackages } from './mrmd-packages';
import { runDaemon } from './run-daemon';

const mrmdFlags = {
  docs: { kind: 'string', alias: 'd' },
  port: { kind: 'string', alias: 'p' },
  'sync-port': { kind: 'string' },
  'runtime-port': { kind: 'string' },
  'sync-url': { kind: 'string' },
  'runtime-url': { kind: 'string' },
  'no-sync': { kind: 'boolean' },
  'no-runtime': { kind: 'boolean' },
  'no-editor': { kind: 'boolean' },
  'no-monitors': { kind: 'boolean' },
  monitor: { kind: 'list' },
  'log-level': { kind: 'string' },
  host: { kind: 'string' },
  token: { kind: 'string' },
  'new-token': { kind: 'boolean' },
  'log-dir': { kind: 'string' },
  'state-dir': { kind: 'string' },
  packages: { kind: 'string' },
  quiet: { kind: 'boolean' },
} as const;


export function mrmdManifest(argv: string[], cwd = process.cwd()): { manifest: Manifest; flags: ReturnType<typeof parseCliArgs>; docsDir: string } {
  const parsed = parseCliArgs(argv, mrmdFlags);
  if (parsed.positionals.length) throw new UsageError(`mrmd takes no positional arguments (got ${parsed.positionals.join(' ')})`);
  const docsDir = resolve(cwd, stringFlag(parsed, 'docs') ?? 'docs');
  const syncUrl = stringFlag(parsed, 'sync-url');
  const runtimeUrl = stringFlag(parsed, 'runtime-url');
  const noSync = parsed.flags['no-sync'] === true || syncUrl !== undefined;
  const manifest: Manifest = {
    file: null,
    root: cwd,
    logDir: resolve(cwd, stringFlag(parsed, 'log-dir') ?? 'logs'),
    services: [],
    sync: noSync ? undefined : { enabled: true, host: '127.0.0.1', port: portFlag(parsed, 'sync-port', 4444), docsDir },
    monitors: {
      syncUrl,
      // mrmd-orchestrator's --runtime-url names its Python runtime (seed 000's distributed mode).
      runtimes: runtimeUrl ? { python: runtimeUrl } : {},
      allowedRuntimeUrls: [],
      documents: listFlag(parsed, 'monitor') ?? [],
    },
  };
  return { manifest, flags: parsed, docsDir };
}

/**
 * mrmd has no manifest file; an instance is its documents folder (what its sync server and
 * monitors own) and its HTTP port (two on one folder must differ in it).
 */
export function mrmdInstance(docsDir: string, port: number): { key: string; label: string; command: 'mrmd' } {
  const label = `mrmd --docs ${docsDir} --port ${port}`;
  return { key: instanceKey(label), label, command: 'mrmd' };
}

export async function mrmdCommand(argv: string[]): Promise<number> {
  const { manifest, flags, docsDir } = mrmdManifest(argv);
  const logLevel = stringFlag(flags, 'log-level')?.toLowerCase() ?? 'info';
  if (!isLogLevel(logLevel)) throw new UsageError('--log-level must be one of debug, info, warn, error');
  const port = portFlag(flags, 'port', 8080);
  const packages = stringFlag(flags, 'packages');
  if (packages !== undefined) await installPackages(packages);
  return runDaemon({
    host: stringFlag(flags, 'host') ?? '127.0.0.1',
    port,
    token: stringFlag(flags, 'token'),
    newToken: flags.flags['new-token'] === true,
    servePage: flags.flags['no-editor'] !== true,
    instance: mrmdInstance(docsDir, port),
    quiet: flags.flags.quiet === true,
    orchestrator: {
      manifestPath: resolve(manifest.root, 'mrmd'),
      staticManifest: manifest,
      stateDir: resolve(stringFlag(flags, 'state-dir') ?? defaultStateDir()),
      cliArgv: builtinCliArgv(),
      runtime: flags.flags['no-runtime'] === true ? 'off' : 'on',
      // mrmd's runtime is open on loopback, and mrmd-editor and mrmd-monitor rely on that.
      openRuntime: true,
      runtimePort: portFlag(flags, 'runtime-port', 8000),
      monitorsDisabled: flags.flags['no-monitors'] === true,
      monitorLogLevel: logLevel,
    },
  });
}
