// The top-level `[logs]` table: how much history each service keeps on disk (issue 16).
//   [logs]
//   max_size_mib = 50   # per service, all its files together; the oldest go first
//   max_age_days = 14   # files last written longer ago go
import type { FieldReader } from './field-reader';
import type { TomlTable } from './toml-tree';

export const LOGS_KEYS = ['max_size_mib', 'max_age_days'] as const;

export interface LogRetentionSpec {
  maxBytes: number;
  maxAgeMs: number;
}

const MIB = 1024 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_LOG_RETENTION: LogRetentionSpec = { maxBytes: 50 * MIB, maxAgeMs: 14 * DAY_MS };

export function readLogs(reader: FieldReader, logs: TomlTable | undefined): LogRetentionSpec {
  if (!logs) return DEFAULT_LOG_RETENTION;
  const path = 'logs';
  reader.checkKeys(logs, path, LOGS_KEYS);
  const mib = reader.number(logs, path, 'max_size_mib', { min: 0.01 });
  const days = reader.number(logs, path, 'max_age_days', { min: 0.001 });
  return {
    maxBytes: mib === undefined ? DEFAULT_LOG_RETENTION.maxBytes : Math.round(mib * MIB),
    maxAgeMs: days === undefined ? DEFAULT_LOG_RETENTION.maxAgeMs : Math.round(days * DAY_MS),
  };
}
