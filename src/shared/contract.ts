// The one contract between the engine and every client (ARCHITECTURE.md §1, STYLE.md §4–6).
// Each method is a name with zod args and a zod result; each event a name with a zod payload.
// Electron IPC, the preload bridge, the daemon's WebSocket and the renderer client are all
// derived from these two tables: a new method is one entry here, typed everywhere.
import { z } from 'zod';
import {
  AlertsStatus,
  DeviceSnapshot,
  ExecutionSnapshot,
  LogChunk,
  ManifestProblem,
  MonitorSnapshot,
  Notice,
  ServiceSnapshot,
  SystemSnapshot,
  Transition,
} from './model';
import { docNameProblem } from './doc-name';
import { ArtifactName, RolloutRun, RunStatus } from './rollout-run';
import { ServiceChanges, ServiceDefinition } from './service-definition';
import { isEventName, isMethodName, ipcChannel, METHOD_NAMES, EVENT_NAMES, type EventName, type MethodName } from './contract-names';

export { isEventName, isMethodName, ipcChannel, type EventName, type MethodName };

/** Process names are service names, `orchestrator`, or `monitor:<doc>`. */
const ProcessName = z.string().min(1).max(256);
const ServiceArgs = z.object({ name: z.string().min(1).max(128) }).strict();
/** A document name the sync server would accept (doc-name.ts): `../x`, `/x`, NUL, empty are refused. */
const DocName = z.string().superRefine((name, context) => {
  const problem = docNameProblem(name);
  if (problem !== null) context.addIssue({ code: 'custom', message: problem });
});
const DocArgs = z.object({ doc: DocName }).strict();
const ExecutionArgs = z.object({ doc: DocName, id: z.string().min(1).max(128) }).strict();
const NoArgs = z.object({}).strict();
/** Any id is asked about; one that names no run is `not-found` (the store only makes `[a-z0-9-]` ids). */
const RunId = z.string().min(1).max(128);
const RunArgs = z.object({ id: RunId }).strict();

export const methods = {
  /** Snapshot of everything plus the sequence number it was taken at (STYLE.md §6). */
  'system.subscribe': { args: NoArgs, result: z.object({ snapshot: SystemSnapshot, seq: z.number().int() }) },

  /** The caller's role (issue 18): `viewer` reads only; in-process and desktop callers are the operator. */
  'access.role': { args: NoArgs, result: z.object({ role: z.enum(['operator', 'viewer']) }) },

  'services.list': { args: NoArgs, result: z.array(ServiceSnapshot) },
  'services.start': { args: ServiceArgs, result: ServiceSnapshot },
  /** Soft stop: stop signal, then kill after the timeout. */
  'services.stop': { args: ServiceArgs, result: ServiceSnapshot },
  'services.restart': { args: ServiceArgs, result: ServiceSnapshot },
  /** Hard kill of the whole process tree, at once. */
  'services.kill': { args: ServiceArgs, result: ServiceSnapshot },
  /** Enabled services start with the set; a disabled one stays `disabled` until started by hand. */
  'services.setEnabled': {
    args: z.object({ name: z.string().min(1).max(128), enabled: z.boolean() }).strict(),
    result: ServiceSnapshot,
  },
  'services.startAll': { args: NoArgs, result: z.array(ServiceSnapshot) },
  'services.stopAll': { args: NoArgs, result: z.array(ServiceSnapshot) },
  'services.restartAll': { args: NoArgs, result: z.array(ServiceSnapshot) },
  /**
   * Management API (issue 17): services added at run time, kept in the overlay file beside the
   * manifest. Values are checked by the manifest's readers (`invalid-args`, details.problems
   * naming each field); an existing name is a `conflict`.
   */
  'services.add': { args: ServiceDefinition, result: ServiceSnapshot },
  /** Changes an added service; manifest services are changed in the manifest (`conflict`). */
  'services.update': { args: z.object({ name: z.string().min(1).max(128), changes: ServiceChanges }).strict(), result: ServiceSnapshot },
  /** Removes an added service (stopped first); manifest services cannot be removed here (`conflict`). */
  'services.remove': { args: ServiceArgs, result: z.object({ name: z.string(), removed: z.boolean() }) },

  'manifest.problems': { args: NoArgs, result: z.array(ManifestProblem) },
  /** Re-read the manifest now; an invalid one applies nothing and returns its problems. */
  'manifest.reload': {
    args: NoArgs,
    result: z.object({ applied: z.boolean(), problems: z.array(ManifestProblem) }),
  },

  /** The last `maxBytes` of raw output (ANSI kept) and the byte offset where it ends. */
  'logs.tail': {
    args: z.object({ process: ProcessName, maxBytes: z.number().int().min(1).max(16 * 1024 * 1024).optional() }).strict(),
    result: LogChunk,
  },
  /** The last N lines as plain text records (the REST `GET /api/logs/{name}` view). */
  'logs.lines': {
    args: z.object({ process: ProcessName, lines: z.number().int().min(1).max(100_000).optional() }).strict(),
    result: z.object({ process: z.string(), lines: z.array(z.string()) }),
  },
  /** Which processes this client wants `log.chunk` events for (replaces the previous set). */
  'logs.follow': {
    // `from`: where a newly followed process continues (an offset from a chunk or tail), so a
    // reconnecting client misses nothing the ring still holds.
    args: z.object({ processes: z.array(ProcessName).max(1000), from: z.record(ProcessName, z.number().int().nonnegative()).optional() }).strict(),
    result: z.object({ processes: z.array(z.string()) }),
  },

  /** Where the process's current log file is (null while it has none, or logs are in memory). */
  'logs.filePath': { args: z.object({ process: ProcessName }).strict(), result: z.object({ path: z.string().nullable() }) },
  /** Opens the current log file in the system's viewer: the desktop app only. */
  'logs.openFile': { args: z.object({ process: ProcessName }).strict(), result: z.object({ path: z.string() }) },

  'devices.list': { args: NoArgs, result: z.array(DeviceSnapshot) },

  'monitors.list': { args: NoArgs, result: z.array(MonitorSnapshot) },
  'monitors.start': { args: DocArgs, result: MonitorSnapshot },
  'monitors.stop': { args: DocArgs, result: MonitorSnapshot },

  'executions.list': { args: DocArgs, result: z.array(ExecutionSnapshot) },
  'executions.cancel': { args: ExecutionArgs, result: ExecutionSnapshot },
  'executions.reply': {
    args: z.object({ doc: DocName, id: z.string().min(1).max(128), text: z.string().max(1_000_000) }).strict(),
    result: ExecutionSnapshot,
  },

  /** Roll-out runs of compose services (issue 19), newest first; `status` filters. */
  'runs.list': { args: z.object({ status: RunStatus.optional() }).strict(), result: z.array(RolloutRun) },
  'runs.get': { args: RunArgs, result: RolloutRun },
  /** Queues a roll-out (build, up, verify, rollback on failure); one run per service at a time. */
  'runs.rollout': { args: ServiceArgs, result: RolloutRun },
  /** A protected service's run waiting in `awaiting_approval` goes on (`conflict` otherwise). */
  'runs.approve': { args: RunArgs, result: RolloutRun },
  /** Ends a run that is queued or awaiting approval as `rejected`. */
  'runs.reject': { args: RunArgs, result: RolloutRun },
  /** One file of `runs/<id>/` (the last MiB of a longer log). */
  'runs.artifact': { args: z.object({ id: RunId, name: ArtifactName }).strict(), result: z.object({ id: z.string(), name: z.string(), text: z.string() }) },
} as const satisfies Record<MethodName, { args: z.ZodType; result: z.ZodType }>;

export const events = {
  'service.changed': z.object({ service: ServiceSnapshot, transition: Transition.nullable() }),
  'service.removed': z.object({ name: z.string() }),
  'devices.changed': z.object({ devices: z.array(DeviceSnapshot) }),
  'monitor.changed': MonitorSnapshot,
  'monitor.removed': z.object({ doc: z.string() }),
  'execution.changed': ExecutionSnapshot,
  'manifest.changed': z.object({ manifestPath: z.string().nullable(), problems: z.array(ManifestProblem) }),
  notice: Notice,
  /** Only sent for processes the client follows (`logs.follow`). */
  'log.chunk': LogChunk,
  /** A roll-out run was queued or changed status or step. */
  'run.changed': RolloutRun,
  /** `[alerts]` at work changed: queue, delivery, heartbeat (null: the manifest has none). */
  'alerts.changed': z.object({ alerts: AlertsStatus.nullable() }),
} as const satisfies Record<EventName, z.ZodType>;

export type Methods = typeof methods;
export type MethodArgs<M extends MethodName> = z.input<Methods[M]['args']>;
export type MethodResult<M extends MethodName> = z.output<Methods[M]['result']>;
export type Events = typeof events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const methodNames: readonly MethodName[] = METHOD_NAMES;
export const eventNames: readonly EventName[] = EVENT_NAMES;

/** The small vocabulary the UI branches on (STYLE.md §5). */
export const ErrorCode = z.enum([
  'invalid-args',
  'not-found',
  'unknown-method',
  'manifest-invalid',
  'conflict',
  'unavailable',
  'unauthorized',
  'sender-rejected',
  /** The caller's role may not do this (a viewer asking for a change). */
  'forbidden',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorInfo = z.object({
  code: ErrorCode,
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ErrorInfo = z.infer<typeof ErrorInfo>;

/** Nothing throws across the bridge: every reply is one of these. */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

/** Thrown inside the engine to choose the envelope's code; anything else becomes `internal`. */
export class ContractError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ContractError';
  }
}

export function errorReply(code: ErrorCode, message: string, details?: Record<string, unknown>): Reply<never> {
  return { ok: false, error: details ? { code, message, details } : { code, message } };
}

/** The one global the preload exposes as `window.showrunner`. */
export interface ShowrunnerBridge {
  invoke<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<Reply<MethodResult<M>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>, seq: number) => void): () => void;
}
