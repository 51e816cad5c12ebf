// Runs one service's probe on its schedule and turns results into health (issue 5).
//
// Readiness: after `initialDelayMs`, a service becomes `healthy` after `successThreshold`
// passes in a row. Until it first does, network and process probes poll every 25 ms (or the
// interval, if shorter) so dependents start as soon as it is ready, not up to a whole
// interval later; exec probes keep their interval, since each run spawns a shell.
//
// Liveness: only a service that *has been* healthy is restarted, after `failureThreshold`
// failures in a row (onUnhealthy). One that never became healthy is shown `unhealthy` once
// the threshold's worth of intervals has passed, but keeps running: slow starters (model
// loading, migrations) must not be killed in a loop, and its dependents stay blocked.
import type { Health, ProbeResult } from '../../../../shared/model';
import type { HealthSpec } from '../../config/manifest-types';
import type { ProcRef } from '../proc-table';
import { containerProbe } from '../../compose/container-probe';
import { execProbe, type ExecProbeContext } from './exec-probe';
import { httpProbe } from './http-probe';
import type { ProbeOutcome } from './probe-outcome';
import { processProbe } from './process-probe';
import { tcpProbe } from './tcp-probe';

export interface ProbeRunnerOptions {
  health: HealthSpec;
  main: ProcRef;
  context: ExecProbeContext;
  /** For probes of a local port: null when the listener is ours, else why it is not. */
  ownership?: { check(): string | null };
  /** Every result; `changed` when health or the message differ from the previous one. */
  onResult(health: Health, result: ProbeResult, changed: boolean): void;
  onUnhealthy(message: string): void;
}

const STARTUP_POLL_MS = 25;

export function probeTarget(health: HealthSpec): string {
  switch (health.type) {
    case 'http':
      return health.url;
    case 'tcp':
      return `${health.host}:${health.port}`;
    case 'exec':
      return health.command;
    case 'process':
      return 'main process';
    case 'container':
      return `container ${health.compose.service}`;
  }
}

export function runProbe(health: HealthSpec, main: ProcRef, context: ExecProbeContext): Promise<ProbeOutcome> {
  const { timeoutMs } = health.timing;
  switch (health.type) {
    case 'http':
      return httpProbe(health.url, health.expectStatus, timeoutMs);
    case 'tcp':
      return tcpProbe(health.host, health.port, timeoutMs);
    case 'exec':
      return execProbe(health.command, timeoutMs, context);
    case 'process':
      return Promise.resolve(processProbe(main));
    case 'container':
      return containerProbe(health.compose, timeoutMs);
  }
}

export class ProbeRunner {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private health: Health = 'unknown';
  private everHealthy = false;
  private successes = 0;
  private failures = 0;
  private last: ProbeResult | null = null;
  private readonly startedAt = Date.now();

  constructor(private readonly options: ProbeRunnerOptions) {}

  start(): void {
    this.schedule(this.options.health.timing.initialDelayMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), delayMs);
  }

  private async tick(): Promise<void> {
    this.timer = null;
    const { health, main, context } = this.options;
    let outcome = await runProbe(health, main, context);
    if (this.stopped) return;
    const stranger = outcome.ok ? (this.options.ownership?.check() ?? null) : null;
    if (stranger) outcome = { ok: false, message: `${outcome.message}, but ${stranger}` };
    this.record(outcome);
    if (this.stopped) return;
    const { intervalMs } = health.timing;
    // Exec and container probes spawn a process each time: they keep their interval.
    const fast = !this.everHealthy && health.type !== 'exec' && health.type !== 'container';
    this.schedule(fast ? Math.min(intervalMs, STARTUP_POLL_MS) : intervalMs);
  }

  private record(outcome: ProbeOutcome): void {
    const { failureThreshold, successThreshold, intervalMs, initialDelayMs } = this.options.health.timing;
    const previous = { health: this.health, message: this.last?.message, ok: this.last?.ok };
    this.last = { ok: outcome.ok, message: outcome.message, at: Date.now() };
    let restart = false;
    if (outcome.ok) {
      this.failures = 0;
      this.successes++;
      if (this.successes >= successThreshold) {
        this.health = 'healthy';
        this.everHealthy = true;
      }
    } else {
      this.successes = 0;
      this.failures++;
      if (this.everHealthy) {
        if (this.failures >= failureThreshold) {
          restart = this.health === 'healthy';
          this.health = 'unhealthy';
        }
      } else if (Date.now() - this.startedAt >= initialDelayMs + failureThreshold * intervalMs) {
        this.health = 'unhealthy';
      }
    }
    const changed = previous.health !== this.health || previous.message !== outcome.message || previous.ok !== outcome.ok;
    this.options.onResult(this.health, this.last, changed);
    if (restart) this.options.onUnhealthy(outcome.message);
  }
}
