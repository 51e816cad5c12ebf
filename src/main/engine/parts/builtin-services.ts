// The mrmd stack's own parts as ordinary supervised services (ARCHITECTURE.md §8: `mrmd-sync`
// and `mrmd-runtime` in every mode), so they get the graph node, logs, health probe and
// restarts every other service gets. Each runs our own CLI in a child process.
//
// Credentials (issue 15): a token reaches a built-in part through its environment, never its
// argv (argv shows in `ps` and in the service's command on the panel), and reaches our
// monitors through the plan, so it is never logged or written into a document.
import { RUNTIME_SERVICE, SYNC_SERVICE } from '../../../shared/reserved-names';
import type { Manifest, ServiceSpec } from '../config/manifest-types';
import { resolvePythonInterpreter } from '../mrp/python-interpreter';
import { connectHost } from '../net/connect-host';
import { shellQuote } from '../supervisor/shell-script';


export interface BuiltinPlan {
  /** Service specs to supervise beside the manifest's. */
  specs: ServiceSpec[];
  /** WebSocket URL of the sync server monitors join (built-in or configured). */
  syncUrl: string | null;
  /** language → MRP base URL. */
  runtimes: Record<string, string>;
  /** Token monitors pass (as `?token=`) to `syncUrl`; only when that is the built-in server. */
  syncToken?: string;
  /** MRP base URL → bearer token, for the built-in runtime's URLs only. */
  runtimeTokens: Record<string, string>;
}

/** Environment variables the built-in parts read their token from (see their `--help`). */
export const SYNC_TOKEN_ENV = 'SHOWRUNNER_SYNC_TOKEN';
export const RUNTIME_TOKEN_ENV = 'SHOWRUNNER_MRP_TOKEN';

export interface BuiltinOptions {
  /** argv that runs our CLI: [node, cli.js] when built, [node, --import, tsx, cli.ts] in tests. */
  cliArgv: string[];
  /** Port for the built-in runtime; chosen once per orchestrator so reloads keep it. */
  runtimePort: number;
  /** 'auto': with a `[monitors]` table; 'on'/'off' as the `mrmd` command's flags say. */
  runtime?: 'auto' | 'on' | 'off';
  /** Required by the built-in runtime when set; unset keeps it open on loopback (`mrmd`). */
  runtimeToken?: string;
  /** Handed to the built-in parts as `--log-level` (`mrmd --log-level`); unset: their default, info. */
  logLevel?: string;
  /** Where `python3` is looked up when the manifest names no interpreter. */
  env?: NodeJS.ProcessEnv;
  /**
   * Web origins the sync server and the runtime accept (`--allow-origin`): the daemon's own,
   * whose /editor/ page opens documents and asks runtimes for capabilities (issue 24).
   */
  pageOrigins?: string[];
}


function builtinSpec(name: string, displayName: string, args: string[], workingDir: string, healthUrl: string, env: Record<string, string>): ServiceSpec {
  return {
    name,
    displayName,
    command: `exec ${args.map(shellQuote).join(' ')}`,
    workingDir,
    env,
    dependencies: [],
    requiresDevices: [],
    deviceRestartPolicy: 'immediate',
    restart: 'always',
    restartDelayMs: 500,
    maxRestartDelayMs: 30_000,
    maxRestarts: 10,
    restartWindowMs: 60_000,
    stopSignal: 'SIGTERM',
    stopTimeoutMs: 5000,
    autostart: true,
    pty: false,
    health: {
      type: 'http',
      url: healthUrl,
      expectStatus: [200, 299],
      timing: { intervalMs: 5000, timeoutMs: 2000, initialDelayMs: 0, failureThreshold: 3, successThreshold: 1 },
    },
  };
}

export function planBuiltins(manifest: Manifest, { cliArgv, runtimePort, runtime = 'auto', runtimeToken, logLevel, env: lookupEnv = process.env, pageOrigins = [] }: BuiltinOptions): BuiltinPlan {
  const specs: ServiceSpec[] = [];
  const logArgs = logLevel !== undefined && logLevel !== 'info' ? ['--log-level', logLevel] : [];
  const originArgs = pageOrigins.flatMap((origin) => ['--allow-origin', origin]);
  let syncUrl = manifest.monitors?.syncUrl ?? null;
  let syncToken: string | undefined;
  const sync = manifest.sync;
  if (sync?.enabled) {
    const args = [...cliArgv, 'sync-server', '--host', sync.host, '--port', String(sync.port), '--docs', sync.docsDir, ...originArgs, ...logArgs];
    const hostForUrl = connectHost(sync.host);
    const env: Record<string, string> = sync.token ? { [SYNC_TOKEN_ENV]: sync.token } : {};
    specs.push(builtinSpec(SYNC_SERVICE, 'Yjs sync server', args, manifest.root, `http://${hostForUrl}:${sync.port}/health`, env));
    if (syncUrl === null) {
      syncUrl = `ws://${hostForUrl}:${sync.port}`;
      syncToken = sync.token;
    }
  }
  const runtimes: Record<string, string> = {};
  const runtimeTokens: Record<string, string> = {};
  if (runtime === 'on' || (runtime === 'auto' && manifest.monitors)) {
    const base = `http://127.0.0.1:${runtimePort}`;
    // Decided here and handed over, so the runtime serves python exactly when we route to it.
    const python = manifest.monitors?.python ?? resolvePythonInterpreter(undefined, lookupEnv);
    const args = [...cliArgv, 'mrp-runtime', '--host', '127.0.0.1', '--port', String(runtimePort), ...(python ? ['--python-path', python] : ['--no-python']), ...originArgs, ...logArgs];
    const env: Record<string, string> = runtimeToken ? { [RUNTIME_TOKEN_ENV]: runtimeToken } : {};
    specs.push(builtinSpec(RUNTIME_SERVICE, `MRP runtime (bash, node${python ? ', python' : ''})`, args, manifest.root, `${base}/health`, env));
    // Other spellings (sh, js, javascript, py) map to these in the monitors' runtime choice.
    runtimes.bash = `${base}/mrp/v1`;
    runtimes.node = `${base}/node/mrp/v1`;
    if (python) runtimes.python = `${base}/python/mrp/v1`;
    if (runtimeToken) for (const url of Object.values(runtimes)) runtimeTokens[url] = runtimeToken;
  }
  // Configured runtimes win over the built-in one for their language.
  Object.assign(runtimes, manifest.monitors?.runtimes ?? {});
  return { specs, syncUrl, runtimes, syncToken, runtimeTokens };
}
