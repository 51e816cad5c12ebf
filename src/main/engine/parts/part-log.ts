// The log of a built-in part (sync server, MRP runtime) run as its own process: one line per
// event on stdout, kept when its level reaches the `--log-level` the part was given, so
// `showrunner mrmd --log-level warn` quiets every part, not only the monitors.
import type { LogLevel } from '../monitors/monitor-peer';

export type PartLog = (line: string, level?: LogLevel) => void;

export const PART_LOG_LEVELS: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function isLogLevel(value: string): value is LogLevel {
  return Object.hasOwn(PART_LOG_LEVELS, value);
}

export function partLog(minimum: LogLevel, write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): PartLog {
  const floor = PART_LOG_LEVELS[minimum];
  return (line, level = 'info') => {
    if (PART_LOG_LEVELS[level] >= floor) write(line);
  };
}
