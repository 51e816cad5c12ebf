// The validated, normalized manifest the rest of the engine works from. The loader turns
// services.toml (ARCHITECTURE.md §8) into these records: paths absolute, seconds turned into
// milliseconds, defaults filled in, `--testing` already applied to `command`.
import type { LogRetentionSpec } from './read-logs';
import type { AlertsSpec } from './read-alerts';
import type { DependencyRef, ManifestProblem } from '../../../shared/model';

export type HealthSpec =
  | { type: 'http'; url: string; expectStatus: [number, number]; timing: ProbeTiming }
  | { type: 'tcp'; host: string; port: number; timing: ProbeTiming }
  | { type: 'exec'; command: string; timing: ProbeTiming }
  /** Healthy while the main process is alive. */
  | { type: 'process'; timing: ProbeTiming }
  /** A compose service without `health`: the container's own health from `docker compose ps`. */
  | { type: 'container'; compose: ComposeTarget; timing: ProbeTiming };

/** Which container: what every `docker compose` call of a compose service names. */
export interface ComposeTarget {
  /** Absolute; `docker compose --project-directory`. */
  projectDir: string;
  /** Absolute path of the compose file. */
  file: string;
  /** The service's name inside the compose file. */
  service: string;
}

/** A `kind = "compose"` service (issue 19): one service of a docker compose project. */
export interface ComposeSpec extends ComposeTarget {
  /** Roll-outs wait for an approval. */
  protected: boolean;
  /** How long a roll-out's verify step waits for health. */
  verifyTimeoutMs: number;
}

export interface ProbeTiming {
  intervalMs: number;
  timeoutMs: number;
  initialDelayMs: number;
  /** Consecutive failures before a running, once-healthy service counts as unhealthy and restarts. */
  failureThreshold: number;
  /** Consecutive successes before it counts as healthy. */
  successThreshold: number;
}

export type DeviceRequirement =
  /** A path under the device root; may contain glob characters (`/dev/gradi-cam*`). */
  | { kind: 'path'; path: string }
  | { kind: 'usb'; vendor: string; product: string; serial?: string };

/** One `open` entry: on these weekdays, from `startMinute` to `endMinute` (the next day when end <= start). */
export interface OpenWindow {
  /** ISO weekdays, 1 Monday ... 7 Sunday. */
  days: number[];
  startMinute: number;
  endMinute: number;
}

/** `[schedules.NAME]`: weekly opening hours in one zone (engine/schedules/schedule-state.ts). */
export interface ScheduleSpec {
  name: string;
  /** IANA zone; the machine's when the manifest names none. */
  timezone: string;
  windows: OpenWindow[];
  /** YYYY-MM-DD dates in `timezone`: no window starts on them. */
  closedOn: string[];
}

export interface ServiceSpec {
  name: string;
  displayName: string;
  /** Run as `bash -lc <command>` (Gradi). With `--testing`, `testing_command` when set. */
  command: string;
  /** Absolute. */
  workingDir: string;
  /** Absolute path of a venv whose `bin/activate` is sourced before the command. */
  venv?: string;
  env: Record<string, string>;
  dependencies: DependencyRef[];
  requiresDevices: DeviceRequirement[];
  deviceRestartPolicy: 'immediate' | 'on_reconnect';
  restart: 'always' | 'on-failure' | 'never';
  restartDelayMs: number;
  maxRestartDelayMs: number;
  maxRestarts: number;
  restartWindowMs: number;
  stopSignal: NodeJS.Signals;
  stopTimeoutMs: number;
  autostart: boolean;
  pty: boolean;
  /**
   * When a dependency stops meeting its condition while this service runs: `keep` running
   * (shown degraded), `stop` it until the dependency is back, or `restart` it once it is back.
   * Absent means `keep` (specs built in code); the manifest reader always sets it.
   */
  onDependencyDown?: 'keep' | 'stop' | 'restart';
  health?: HealthSpec;
  /** Set for `kind = "compose"`: docker compose runs it, `command` is only a label. */
  compose?: ComposeSpec;
  /** `schedule = "NAME"`: a copy of that schedule; the service runs only while it is open. */
  schedule?: ScheduleSpec;
  /** `daily_restart = "HH:MM"`, in the schedule's zone (else the machine's). */
  dailyRestart?: { minute: number; timezone: string };
}

export interface SyncSpec {
  enabled: boolean;
  host: string;
  port: number;
  /** Absolute. */
  docsDir: string;
  /** From `token` or `token_env`; required beyond loopback. Handed over by environment only. */
  token?: string;
}

export interface MonitorsSpec {
  syncUrl?: string;
  /** language → MRP base URL, e.g. `bash` → `http://127.0.0.1:8000/mrp/v1`. */
  runtimes: Record<string, string>;
  allowedRuntimeUrls: string[];
  documents: string[];
  /** `[monitors] python`, resolved to an interpreter's absolute path; unset: python3 on PATH. */
  python?: string;
}

/** `[access]` (read-access.ts): the viewer token, read from its file when the manifest loads. */
export interface AccessSpec {
  viewerToken?: string;
  viewerTokenFile?: string;
}

export interface Manifest {
  /** Absolute path of the services.toml, or null for a manifest built in code. */
  file: string | null;
  /** Absolute; relative paths in the file resolve against it. */
  root: string;
  /** Absolute. */
  logDir: string;
  /** `[logs]`: per-service retention on disk. Optional for manifests built in code (defaults). */
  logs?: LogRetentionSpec;
  /** In file order. */
  services: ServiceSpec[];
  sync?: SyncSpec;
  monitors?: MonitorsSpec;
  /** `[schedules.*]` by name. Optional for manifests built in code. */
  schedules?: Record<string, ScheduleSpec>;
  access?: AccessSpec;
  /** `[alerts]`: webhook alerts and the heartbeat (issue 18). */
  alerts?: AlertsSpec;
  /** The services the management API added, from the overlay file beside the manifest. */
  overlay?: { file: string; services: string[] };
}

export type LoadResult = { ok: true; manifest: Manifest } | { ok: false; problems: ManifestProblem[] };
