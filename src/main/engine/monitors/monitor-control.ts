// Owns the MonitorHost across manifest reloads: which sync server and runtimes monitors use can
// change with the manifest, and a change rebuilds the host and restarts the documents that were
// running, so the operator never has to. Without a sync server, monitor calls say why.
import { isDeepStrictEqual } from 'node:util';
import { ContractError } from '../../../shared/contract';
import type { ExecutionSnapshot, MonitorSnapshot } from '../../../shared/model';
import type { LogSink } from '../logs/log-sink';
import type { MonitorHost } from './monitor-host';
import type { LogLevel } from '../parts/log-level';

/**
 * The monitor stack (Yjs, y-websocket: a few hundred ms of module loading on a busy machine)
 * is loaded when the first monitor starts, not with the daemon: a daemon without monitors
 * never loads it, and one with monitors listens before it does (issue 23).
 */
type MonitorStack = { MonitorHost: typeof import('./monitor-host').MonitorHost; MrpRunner: typeof import('./mrp-runner').MrpRunner };
let monitorStack: Promise<MonitorStack> | null = null;
function loadMonitorStack(): Promise<MonitorStack> {
  monitorStack ??= Promise.all([import('./monitor-host'), import('./mrp-runner')]).then(([host, runner]) => ({
    MonitorHost: host.MonitorHost,
    MrpRunner: runner.MrpRunner,
  }));
  return monitorStack;
}

export interface MonitorConfig {
  syncUrl: string | null;
  /** Sent as `?token=` to the sync server (the built-in one's `[sync] token`). */
  syncToken?: string;
  runtimes: Record<string, string>;
  /** MRP base URL → bearer token (the built-in runtime's); other runtimes get none. */
  runtimeTokens?: Record<string, string>;
  allowedRuntimeUrls: string[];
  /** Documents to run a monitor for as soon as the config applies. */
  documents: string[];
}

export interface MonitorEvents {
  monitor(snapshot: MonitorSnapshot): void;
  removed(doc: string): void;
  execution(snapshot: ExecutionSnapshot): void;
}

export interface MonitorControlOptions {
  logs: LogSink;
  events: MonitorEvents;
  logLevel?: LogLevel;
  /** `--no-monitors`: every start is refused. */
  disabled?: boolean;
}

/** Run counts in a monitor's snapshot follow its executions, at most this often. */
const COUNTS_REFRESH_MS = 250;

export class MonitorControl {
  private host: MonitorHost | null = null;
  private config: MonitorConfig | null = null;
  private stack: MonitorStack | null = null;
  private readonly countsDue = new Set<string>();
  private countsTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: MonitorControlOptions) {}

  async configure(config: MonitorConfig): Promise<void> {
    const previous = this.config;
    this.config = config;
    // Everything but the document list shapes the host (sync server, runtimes, credentials).
    const sameHost = previous !== null && isDeepStrictEqual({ ...previous, documents: [] }, { ...config, documents: [] });
    let running: string[] = [];
    if (!sameHost && this.host) {
      running = this.host.list().map((monitor) => monitor.doc);
      await this.closeHost();
    }
    if (this.options.disabled || !config.syncUrl) return;
    for (const doc of new Set([...running, ...config.documents.filter((doc) => !previous?.documents.includes(doc))])) await this.start(doc);
  }

  list(): MonitorSnapshot[] {
    return this.host?.list() ?? [];
  }

  async start(doc: string): Promise<MonitorSnapshot> {
    if (!this.stack && !this.options.disabled && this.config?.syncUrl) this.stack = await loadMonitorStack();
    return this.requireHost().start(doc);
  }

  async stop(doc: string): Promise<MonitorSnapshot> {
    if (!this.host) throw new ContractError('not-found', `no monitor is running for document "${doc}"`, { doc });
    return this.host.stop(doc);
  }

  executions(doc: string): ExecutionSnapshot[] {
    if (!this.host) throw new ContractError('not-found', `no monitor is running for document "${doc}"`, { doc });
    return this.host.executions(doc);
  }

  cancel(doc: string, id: string): ExecutionSnapshot {
    if (!this.host) throw new ContractError('not-found', `no monitor is running for document "${doc}"`, { doc });
    return this.host.cancel(doc, id);
  }

  reply(doc: string, id: string, text: string): ExecutionSnapshot {
    if (!this.host) throw new ContractError('not-found', `no monitor is running for document "${doc}"`, { doc });
    return this.host.reply(doc, id, text);
  }

  async close(): Promise<void> {
    await this.closeHost();
  }

  private requireHost(): MonitorHost {
    if (this.options.disabled) throw new ContractError('unavailable', 'monitors are disabled (--no-monitors)');
    const config = this.config;
    if (!config?.syncUrl) {
      throw new ContractError('unavailable', 'no sync server: add a [sync] table (built-in server) or [monitors] sync_url to the manifest');
    }
    if (!this.host) {
      // start() loaded it: a config with a sync server is there, so nothing else is missing.
      if (!this.stack) throw new ContractError('unavailable', 'the monitor stack is not loaded');
      const { MonitorHost, MrpRunner } = this.stack;
      const host = new MonitorHost({
        syncUrl: config.syncUrl,
        syncToken: config.syncToken,
        runner: new MrpRunner({ tokens: config.runtimeTokens }),
        runtimes: { runtimes: config.runtimes, allowed: config.allowedRuntimeUrls },
        logs: this.options.logs,
        logLevel: this.options.logLevel,
        name: 'showrunner',
      });
      host.on('monitor', (snapshot) => this.options.events.monitor(snapshot));
      host.on('removed', ({ doc }) => this.options.events.removed(doc));
      host.on('execution', (snapshot) => {
        this.options.events.execution(snapshot);
        this.refreshCounts(snapshot.doc);
      });
      this.host = host;
    }
    return this.host;
  }

  private refreshCounts(doc: string): void {
    this.countsDue.add(doc);
    this.countsTimer ??= setTimeout(() => {
      this.countsTimer = null;
      const running = new Map((this.host?.list() ?? []).map((monitor) => [monitor.doc, monitor]));
      for (const due of this.countsDue) {
        const monitor = running.get(due);
        if (monitor) this.options.events.monitor(monitor);
      }
      this.countsDue.clear();
    }, COUNTS_REFRESH_MS);
  }

  private async closeHost(): Promise<void> {
    if (this.countsTimer) clearTimeout(this.countsTimer);
    this.countsTimer = null;
    this.countsDue.clear();
    const host = this.host;
    this.host = null;
    if (!host) return;
    await host.close(); // reports each peer's removal
  }
}
