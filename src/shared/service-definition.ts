// A service as the management API takes it (issue 17): the manifest's own keys, in JSON, plus
// `name`. The types here are only the JSON shape (and what the OpenAPI document shows); the
// values (words, ranges, names) are judged by the manifest's readers (config/read-service.ts), so the API and `check`
// say the same thing about the same field. Unknown keys pass through to those readers too,
// which name them and suggest the close one.
import { z } from 'zod';

const Seconds = z.number();
/** A word the manifest reader checks (its message lists the choices); listed here for the docs. */
const oneOf = (...words: string[]) => z.string().max(64).describe(`one of: ${words.join(', ')}`);
const Health = z
  .object({
    type: oneOf('http', 'tcp', 'exec', 'process').optional(),
    probe_type: oneOf('http', 'tcp', 'exec', 'process').optional(),
    url: z.string().optional(),
    host: z.string().optional(),
    port: z.number().int().optional(),
    command: z.string().optional(),
    expect_status: z.array(z.number().int()).optional(),
    interval_seconds: Seconds.optional(),
    timeout_seconds: Seconds.optional(),
    initial_delay_seconds: Seconds.optional(),
    failure_threshold: z.number().int().optional(),
    success_threshold: z.number().int().optional(),
  })
  .loose();
const Dependency = z.union([z.string(), z.object({ name: z.string(), condition: oneOf('started', 'healthy', 'completed').optional() }).loose()]);
const Device = z.union([
  z.string(),
  z.object({ usb: z.object({ vendor: z.string(), product: z.string(), serial: z.string().optional() }).loose() }).loose(),
]);

/** Every key a `[services.NAME]` table takes (§8 of the architecture document). */
export const ServiceFields = z
  .object({
    command: z.string().max(100_000),
    display_name: z.string().max(1000),
    working_dir: z.string().max(4096),
    testing_command: z.string().max(100_000),
    venv: z.string().max(4096),
    dependencies: z.array(Dependency).max(1000),
    requires_devices: z.array(Device).max(1000),
    restart_delay_seconds: Seconds,
    health: Health,
    device_restart_policy: oneOf('immediate', 'on_reconnect'),
    env: z.record(z.string(), z.string()),
    restart: oneOf('always', 'on-failure', 'never'),
    max_restarts: z.number().int(),
    restart_window_seconds: Seconds,
    max_restart_delay_seconds: Seconds,
    stop_signal: z.string().max(32),
    stop_timeout_seconds: Seconds,
    autostart: z.boolean(),
    pty: z.boolean(),
    on_dependency_down: oneOf('keep', 'stop', 'restart'),
    schedule: z.string().max(128).describe('the name of a [schedules.NAME] table of the manifest'),
    daily_restart: z.string().max(16).describe('HH:MM'),
  })
  .partial()
  .loose();

/** `POST /api/services`: a new service. The manifest reader checks the name's characters. */
export const ServiceDefinition = ServiceFields.extend({ name: z.string().min(1).max(128), command: z.string().max(100_000) });
export type ServiceDefinition = z.infer<typeof ServiceDefinition>;

/** `PATCH /api/services/{name}`: keys to set; `null` removes a key (JSON merge patch, RFC 7396). */
export const ServiceChanges = z.record(z.string().max(128), z.unknown());
