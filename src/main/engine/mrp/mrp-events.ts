// The MRP (mrmd runtime protocol) stream events and payloads, as mrmd-python 0.4 sends them
// over SSE from `POST execute/stream` (MRMD-NOTES.md): `start`, `stdout`, `stderr`,
// `stdin_request`, `display`, `asset`, `result`, `error`, `done`, `ping`. Our built-in runtime
// sends the same shapes, and the client parses any runtime's leniently: missing fields get
// defaults, extra fields are kept, and an event we do not know (or cannot read) arrives as
// `unknown` instead of ending the stream.
import { z } from 'zod';

export const MrpExecuteError = z.looseObject({
  type: z.string().default('Error'),
  message: z.string().default(''),
  traceback: z.array(z.string()).default([]),
  line: z.number().nullable().optional(),
  column: z.number().nullable().optional(),
});
export type MrpExecuteError = z.infer<typeof MrpExecuteError>;

export const MrpDisplayData = z.looseObject({
  data: z.record(z.string(), z.unknown()).default({}),
  metadata: z.record(z.string(), z.unknown()).default({}),
});
export type MrpDisplayData = z.infer<typeof MrpDisplayData>;

export const MrpAsset = z.looseObject({
  path: z.string().default(''),
  url: z.string().default(''),
  mimeType: z.string().default('application/octet-stream'),
  assetType: z.string().default('file'),
  size: z.number().nullable().optional(),
});
export type MrpAsset = z.infer<typeof MrpAsset>;

export const MrpExecuteResult = z.looseObject({
  success: z.boolean().default(true),
  stdout: z.string().default(''),
  stderr: z.string().default(''),
  /** The value of the cell's last expression, as text (Python's repr, Node's inspect). */
  result: z.string().nullable().default(null),
  error: MrpExecuteError.nullable().default(null),
  displayData: z.array(MrpDisplayData).default([]),
  assets: z.array(MrpAsset).default([]),
  executionCount: z.number().default(0),
  duration: z.number().nullable().default(null),
});
export type MrpExecuteResult = z.infer<typeof MrpExecuteResult>;

const StartData = z.looseObject({ execId: z.string().optional(), timestamp: z.string().optional() });
const OutputData = z.looseObject({ content: z.string(), accumulated: z.string().optional() });
const StdinRequestData = z.looseObject({
  prompt: z.string().default(''),
  password: z.boolean().default(false),
  execId: z.string().optional(),
});
const EmptyData = z.looseObject({});

const schemas = {
  start: StartData,
  stdout: OutputData,
  stderr: OutputData,
  stdin_request: StdinRequestData,
  display: MrpDisplayData,
  asset: MrpAsset,
  result: MrpExecuteResult,
  error: MrpExecuteError,
  done: EmptyData,
  ping: EmptyData,
} as const;

export type MrpEventName = keyof typeof schemas;

export type MrpEvent =
  | { [K in MrpEventName]: { type: K; data: z.infer<(typeof schemas)[K]> } }[MrpEventName]
  | { type: 'unknown'; event: string; data: unknown };

export function isMrpEventName(name: string): name is MrpEventName {
  return Object.hasOwn(schemas, name);
}

/** `data` is the SSE data already JSON-parsed (or the raw text when it was not JSON). */
export function parseMrpEvent(event: string, data: unknown): MrpEvent {
  if (!isMrpEventName(event)) return { type: 'unknown', event, data };
  return parseUsual(event, data) ?? parseBySchema(event, data);
}

/** The schemas' reading of any known event (parseUsual must agree with it). */
export function parseBySchema(event: MrpEventName, data: unknown): MrpEvent {
  // sse-starlette sends `data: {}` for done/ping; an empty data line means the same.
  const parsed = schemas[event].safeParse(data === '' || data === undefined ? {} : data);
  if (!parsed.success) return { type: 'unknown', event, data };
  return { type: event, data: parsed.data } as MrpEvent;
}

const isString = (value: unknown): boolean => typeof value === 'string';
const optional = (value: unknown, test: (value: unknown) => boolean): boolean => value === undefined || test(value);

/**
 * Every cell's events in their usual shape (start, output, a result without error, display
 * data or assets, done, ping), checked by hand: the schemas' parse was a tenth of a monitor's
 * CPU per cell (issue 23). Anything else (or anything odd) goes through the schemas. Same
 * result: extra fields kept, defaults filled.
 */
function parseUsual(event: MrpEventName, data: unknown): MrpEvent | null {
  if (data === '' || data === undefined) data = {};
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return null;
  const record = data as Record<string, unknown>;
  switch (event) {
    case 'done':
    case 'ping':
      return { type: event, data: record };
    case 'start':
      return optional(record.execId, isString) && optional(record.timestamp, isString) ? { type: event, data: record as z.infer<typeof StartData> } : null;
    case 'stdout':
    case 'stderr':
      return isString(record.content) && optional(record.accumulated, isString) ? { type: event, data: record as z.infer<typeof OutputData> } : null;
    case 'result': {
      const empty = (value: unknown): boolean => value === undefined || (Array.isArray(value) && value.length === 0);
      const nullable = (value: unknown, test: (value: unknown) => boolean): boolean => value === undefined || value === null || test(value);
      const usual =
        optional(record.success, (value) => typeof value === 'boolean') &&
        optional(record.stdout, isString) &&
        optional(record.stderr, isString) &&
        nullable(record.result, isString) &&
        (record.error === undefined || record.error === null) &&
        empty(record.displayData) &&
        empty(record.assets) &&
        optional(record.executionCount, (value) => typeof value === 'number') &&
        nullable(record.duration, (value) => typeof value === 'number');
      if (!usual) return null;
      const result: MrpExecuteResult = {
        ...record,
        success: (record.success as boolean | undefined) ?? true,
        stdout: (record.stdout as string | undefined) ?? '',
        stderr: (record.stderr as string | undefined) ?? '',
        result: (record.result as string | null | undefined) ?? null,
        error: null,
        displayData: [],
        assets: [],
        executionCount: (record.executionCount as number | undefined) ?? 0,
        duration: (record.duration as number | null | undefined) ?? null,
      };
      return { type: event, data: result };
    }
    default:
      return null;
  }
}
