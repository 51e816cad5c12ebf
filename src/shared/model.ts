// The data every shell and the renderer read: plain records described by zod schemas, so the
// same definitions validate what crosses the bridge and type the code on both sides.
// No Node or DOM imports here (ARCHITECTURE.md §1).
import { z } from 'zod';

export const DependencyCondition = z.enum(['started', 'healthy', 'completed']);
export type DependencyCondition = z.infer<typeof DependencyCondition>;

export const DependencyRef = z.object({ name: z.string(), condition: DependencyCondition });
export type DependencyRef = z.infer<typeof DependencyRef>;

/** Why a service is not running, and what it is doing instead: the reason travels with the state. */
export const ServiceState = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('disabled') }),
  z.object({
    kind: z.literal('blocked'),
    waitingOn: z.object({
      services: z.array(DependencyRef),
      devices: z.array(z.string()),
      /** Work that comes before any start, e.g. "the cleanup of processes left by a previous run". */
      cleanup: z.string().optional(),
    }),
    /** Set when a dependency can no longer satisfy its condition ("db exited with 1"). */
    problem: z.string().optional(),
  }),
  z.object({ kind: z.literal('starting'), pid: z.number().int().optional() }),
  z.object({ kind: z.literal('running'), pid: z.number().int(), since: z.number() }),
  z.object({ kind: z.literal('stopping'), pid: z.number().int().optional() }),
  z.object({
    kind: z.literal('backoff'),
    nextTryAt: z.number(),
    attempt: z.number().int(),
    lastExit: z.string(),
  }),
  z.object({
    kind: z.literal('exited'),
    code: z.number().int().nullable(),
    signal: z.string().nullable(),
    at: z.number(),
    /** Stopped on request (operator, manifest change, quit): not a failure, whatever the signal. */
    requested: z.boolean().optional(),
  }),
  z.object({
    kind: z.literal('failed'),
    reason: z.string(),
    restarts: z.number().int(),
    windowMs: z.number(),
  }),
  z.object({ kind: z.literal('completed'), at: z.number() }),
  /** Outside its opening hours (`schedule = "NAME"`): stopped until `opensAt` (null: no opening within a year). */
  z.object({ kind: z.literal('closed'), schedule: z.string(), timezone: z.string(), opensAt: z.number().nullable() }),
]);
export type ServiceState = z.infer<typeof ServiceState>;
export type ServiceStateKind = ServiceState['kind'];

export const Health = z.enum(['unknown', 'healthy', 'unhealthy']);
export type Health = z.infer<typeof Health>;

/**
 * One probe attempt. `stale` once the process it probed is gone: health is then unknown, and
 * the panel greys this result with its age instead of showing it as current.
 */
export const ProbeResult = z.object({ ok: z.boolean(), message: z.string(), at: z.number(), stale: z.boolean().optional() });
export type ProbeResult = z.infer<typeof ProbeResult>;

export const ProcessStats = z.object({
  cpuPercent: z.number(),
  rssBytes: z.number(),
  processCount: z.number().int(),
  at: z.number(),
});
export type ProcessStats = z.infer<typeof ProcessStats>;

export const Transition = z.object({
  at: z.number(),
  from: z.string(),
  to: z.string(),
  reason: z.string(),
});
export type Transition = z.infer<typeof Transition>;

/**
 * Where a service came from: the manifest, a built-in part of the mrmd stack, or the
 * management API (`api`: the overlay file beside the manifest; issue 17).
 */
export const ServiceOrigin = z.enum(['manifest', 'builtin', 'api']);

/** A service's opening hours now: `nextChangeAt` is when it next closes (open) or opens (closed). */
export const ScheduleStatus = z.object({
  name: z.string(),
  timezone: z.string(),
  open: z.boolean(),
  nextChangeAt: z.number().nullable(),
});
export type ScheduleStatus = z.infer<typeof ScheduleStatus>;

export const ServiceSnapshot = z.object({
  name: z.string(),
  displayName: z.string(),
  origin: ServiceOrigin,
  command: z.string(),
  workingDir: z.string(),
  dependencies: z.array(DependencyRef),
  requiresDevices: z.array(z.string()),
  autostart: z.boolean(),
  state: ServiceState,
  health: Health,
  probe: z.object({ type: z.string(), target: z.string() }).nullable(),
  lastProbe: ProbeResult.nullable(),
  /**
   * While running: why a dependency no longer meets its condition ("api is stopped; db is
   * unhealthy"), else null. `degradedBy` names those dependencies (the graph's red edges).
   */
  degraded: z.string().nullable(),
  degradedBy: z.array(z.string()),
  restarts: z.number().int(),
  stats: ProcessStats.nullable(),
  transitions: z.array(Transition),
  /** Set for a service with `schedule = "NAME"` (issue 18). */
  schedule: ScheduleStatus.optional(),
  /** `daily_restart`: its time of day, zone and next instant (a restart happens only if the service is running then). */
  dailyRestart: z.object({ time: z.string(), timezone: z.string(), nextAt: z.number() }).optional(),
});
export type ServiceSnapshot = z.infer<typeof ServiceSnapshot>;

export const DeviceSnapshot = z.object({
  id: z.string(),
  kind: z.enum(['path', 'usb']),
  label: z.string(),
  present: z.boolean(),
  neededBy: z.array(z.string()),
});
export type DeviceSnapshot = z.infer<typeof DeviceSnapshot>;

export const ExecutionStatus = z.enum([
  'requested',
  'claimed',
  'ready',
  'running',
  'completed',
  'error',
  'cancelled',
]);
export type ExecutionStatus = z.infer<typeof ExecutionStatus>;

export const ExecutionSnapshot = z.object({
  id: z.string(),
  doc: z.string(),
  status: ExecutionStatus,
  language: z.string(),
  code: z.string(),
  claimedBy: z.string().nullable(),
  requestedAt: z.number().nullable(),
  startedAt: z.number().nullable(),
  completedAt: z.number().nullable(),
  stdinPrompt: z.string().nullable(),
  /** The pending prompt asks for a secret (`getpass`, `read -s`): the reply box masks it. */
  stdinPassword: z.boolean().default(false),
  error: z.string().nullable(),
});
export type ExecutionSnapshot = z.infer<typeof ExecutionSnapshot>;

export const MonitorSnapshot = z.object({
  doc: z.string(),
  running: z.boolean(),
  connection: z.enum(['connecting', 'connected', 'disconnected', 'stopped']),
  syncUrl: z.string(),
  peers: z.number().int(),
  counts: z.record(z.string(), z.number().int()),
  error: z.string().nullable(),
});
export type MonitorSnapshot = z.infer<typeof MonitorSnapshot>;

/** One problem in the manifest, positioned for an editor: FILE:LINE:COL: FIELD: message. */
export const ManifestProblem = z.object({
  file: z.string(),
  line: z.number().int(),
  column: z.number().int(),
  field: z.string(),
  message: z.string(),
});
export type ManifestProblem = z.infer<typeof ManifestProblem>;

/** Something the operator should see once, such as "USB hot-plug unavailable". */
export const Notice = z.object({
  id: z.string(),
  level: z.enum(['info', 'warning', 'error']),
  message: z.string(),
  at: z.number(),
});
export type Notice = z.infer<typeof Notice>;

export const LogStream = z.enum(['stdout', 'stderr', 'system']);
export type LogStream = z.infer<typeof LogStream>;

export const LogLine = z.object({ at: z.number(), stream: LogStream, text: z.string() });
export type LogLine = z.infer<typeof LogLine>;

/** A batch of raw output (ANSI kept) for one process; `offset` counts bytes ever written. */
export const LogChunk = z.object({
  process: z.string(),
  offset: z.number(),
  data: z.string(),
  dropped: z.number().int(),
});
export type LogChunk = z.infer<typeof LogChunk>;

/** `[alerts]` at work (issue 18): the webhook's disk queue and the heartbeat, as they are now. */
export const AlertsStatus = z.object({
  webhook: z.boolean(),
  queued: z.number().int(),
  /** Oldest alerts dropped because the queue was full, ever (kept in the queue file). */
  dropped: z.number().int(),
  /** Alerts folded into a later one by the once-a-minute limit, since this daemon started. */
  suppressed: z.number().int(),
  delivered: z.number().int(),
  lastDeliveryAt: z.number().nullable(),
  lastError: z.string().nullable(),
  lastErrorAt: z.number().nullable(),
  nextAttemptAt: z.number().nullable(),
  heartbeat: z
    .object({
      intervalMs: z.number(),
      inPlace: z.boolean(),
      why: z.string().nullable(),
      beats: z.number().int(),
      checkedAt: z.number().nullable(),
      lastBeatAt: z.number().nullable(),
      lastError: z.string().nullable(),
    })
    .nullable(),
});
export type AlertsStatus = z.infer<typeof AlertsStatus>;

export const SystemSnapshot = z.object({
  manifestPath: z.string().nullable(),
  services: z.array(ServiceSnapshot),
  devices: z.array(DeviceSnapshot),
  monitors: z.array(MonitorSnapshot),
  problems: z.array(ManifestProblem),
  notices: z.array(Notice),
  logProcesses: z.array(z.string()),
  /** Null without an `[alerts]` table. */
  alerts: AlertsStatus.nullable().optional(),
});
export type SystemSnapshot = z.infer<typeof SystemSnapshot>;
