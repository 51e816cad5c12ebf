// `showrunner monitor [--doc D]... [--name N] [--log-level L] ws://SYNC`: seed 001's CLI, plus
// seed 000's `--runtime-url URL` (the runtime for `python` cells, as mrmd-orchestrator's
// distributed mode passes it) and `--runtime LANG=URL`. Without a bash or node runtime given,
// the built-in MRP runtime is started in-process for those languages, so the command works on
// a fresh machine. Several `--doc` run several peers in this one process. Resolves with the
// exit code once stopped (SIGINT/SIGTERM, or the caller's signal).
import { randomBytes } from 'node:crypto';
import { docNameProblem } from '../../../shared/doc-name';
import type { MrpRuntime } from '../mrp/mrp-runtime';
import { MonitorHost } from './monitor-host';
import { LOG_LEVELS } from '../parts/log-level';
import type { LogLevel } from '../parts/log-level';
import { MrpRunner } from './mrp-runner';
import { normalizeRuntimeUrl } from './runtime-choice';

export interface MonitorMainIo {
  stdout?: { write(text: string): unknown };
  stderr?: { write(text: string): unknown };
  /** Stops the monitor; without it, SIGINT and SIGTERM do. */
  signal?: AbortSignal;
}

const USAGE = `usage: showrunner monitor [options] <sync-url>
  --doc <path>            document to monitor (repeatable; default: default)
  --name <name>           monitor name in awareness (default: mrmd-monitor)
  --id <id>               id written to claimedBy; must be unique to this monitor
                          (default: a new <name>@<host>/<pid>/<random> per document)
  --log-level <level>     debug, info, warn or error (default: info)
  --runtime-url <url>     MRP runtime for python cells (mrmd-orchestrator's flag)
  --runtime <lang>=<url>  MRP runtime for a language (repeatable)
  --allow-runtime <url>   another runtime URL an execution may name (repeatable)
  --no-builtin-runtime    do not start the built-in bash/node/python runtime`;

interface MonitorArgs {
  syncUrl: string;
  docs: string[];
  name: string;
  id?: string;
  logLevel: LogLevel;
  runtimes: Record<string, string>;
  allowed: string[];
  builtinRuntime: boolean;
}

class UsageError extends Error {}

export function parseMonitorArgs(argv: string[]): MonitorArgs | 'help' {
  const args: MonitorArgs = { syncUrl: '', docs: [], name: 'mrmd-monitor', logLevel: 'info', runtimes: {}, allowed: [], builtinRuntime: true };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    const value = (): string => {
      const next = argv[++index];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === '--help' || arg === '-h') return 'help';
    else if (arg === '--doc') {
      const doc = value();
      const problem = docNameProblem(doc);
      if (problem !== null) throw new UsageError(`--doc: ${problem}`);
      args.docs.push(doc);
    }
    else if (arg === '--name') args.name = value();
    else if (arg === '--id') args.id = value();
    else if (arg === '--log-level') {
      const level = value();
      if (!(level in LOG_LEVELS)) throw new UsageError(`--log-level must be debug, info, warn or error, not "${level}"`);
      args.logLevel = level as LogLevel;
    } else if (arg === '--runtime-url') args.runtimes.python = checkedUrl(value(), arg);
    else if (arg === '--runtime') {
      const [language, ...rest] = value().split('=');
      if (!language || rest.length === 0) throw new UsageError('--runtime takes <lang>=<url>');
      args.runtimes[language.toLowerCase()] = checkedUrl(rest.join('='), arg);
    } else if (arg === '--allow-runtime') args.allowed.push(checkedUrl(value(), arg));
    else if (arg === '--no-builtin-runtime') args.builtinRuntime = false;
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else if (args.syncUrl !== '') throw new UsageError(`only one sync URL, got "${args.syncUrl}" and "${arg}"`);
    else args.syncUrl = /^wss?:\/\//.test(arg) ? arg : `ws://${arg}`;
  }
  if (args.syncUrl === '') throw new UsageError('the sync server URL is required (e.g. ws://localhost:4444)');
  if (args.docs.length === 0) args.docs.push('default');
  return args;
}

function checkedUrl(url: string, flag: string): string {
  if (!/^https?:\/\//.test(url)) throw new UsageError(`${flag} needs an http(s) URL, not "${url}"`);
  return normalizeRuntimeUrl(url);
}

export async function runMonitorMain(argv: string[], { stdout = process.stdout, stderr = process.stderr, signal }: MonitorMainIo = {}): Promise<number> {
  let args: MonitorArgs;
  try {
    const parsed = parseMonitorArgs(argv);
    if (parsed === 'help') {
      stdout.write(`${USAGE}\n`);
      return 0;
    }
    args = parsed;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    stderr.write(`showrunner monitor: ${error.message}\n${USAGE}\n`);
    return 2;
  }

  let builtin: MrpRuntime | null = null;
  const runtimes = { ...args.runtimes };
  const tokens: Record<string, string> = {};
  if (args.builtinRuntime && (!runtimes.bash || !runtimes.node || !runtimes.python)) {
    // In-process and for this monitor only: a token keeps other local processes from running
    // code through it (issue 15).
    const token = randomBytes(32).toString('base64url');
    // Loaded only here: a monitor given its runtimes never pays for the runtime's modules.
    const { startMrpRuntime } = await import('../mrp/mrp-runtime');
    builtin = await startMrpRuntime({ port: 0, token, log: () => {}, pythonPath: runtimes.python ? null : undefined });
    for (const [language, url] of Object.entries(builtin.urls)) {
      if (runtimes[language]) continue;
      runtimes[language] = url;
      tokens[url] = token;
    }
  }
  const minLevel = LOG_LEVELS[args.logLevel];
  const host = new MonitorHost({
    syncUrl: args.syncUrl,
    runner: new MrpRunner({ tokens }),
    runtimes: { runtimes, allowed: args.allowed },
    name: args.name,
    monitorId: args.id,
    logLevel: args.logLevel,
    logs: {
      beginLaunch: () => {},
      write: (name, _stream, data) => {
        const time = new Date().toISOString().slice(11, 19);
        for (const line of String(data).split('\n').filter(Boolean)) stdout.write(`[${time}] ${line} doc=${JSON.stringify(name.slice('monitor:'.length))}\n`);
      },
    },
  });
  const say = (level: LogLevel, text: string): void => {
    if (LOG_LEVELS[level] >= minLevel) stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${level.toUpperCase().padEnd(5)} ${text}\n`);
  };

  stdout.write(`\n  showrunner monitor\n  ──────────────────\n  Sync:      ${args.syncUrl}\n  Documents: ${args.docs.join(', ')}\n`);
  for (const doc of args.docs) host.start(doc);
  const ids = Object.values(host.monitorIds());
  stdout.write(`  Name:      ${args.name} (id ${ids.length === 1 ? ids[0] : ids.join(', ')})\n  Runtimes:  ${Object.entries(runtimes).map(([lang, url]) => `${lang}=${url}`).join(' ')}\n\n`);
  void Promise.all(args.docs.map((doc) => host.whenSynced(doc))).then(() => say('info', 'Monitor ready, waiting for execution requests...'));

  await new Promise<void>((resolve) => {
    if (signal) {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
      return;
    }
    const onSignal = (name: string): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      say('info', `Received ${name}, shutting down...`);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  await host.close();
  await builtin?.close();
  return 0;
}
