// The log of a built-in part (sync server, MRP runtime) run as its own process: one line per
// event on stdout, kept when its level reaches the `--log-level` the part was given, so
// `showrunner mrmd --log-level warn` quiets every part, not only the monitors.
import { LOG_LEVELS, type LogLevel } from './log-level';

export type PartLog = (line: string, level?: LogLevel) => void;

export function partLog(minimum: LogLevel, write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): PartLog {
  const floor = LOG_LEVELS[minimum];
  return (line, level = 'info') => {
    if (LOG_LEVELS[level] >= floor) write(line);
  };
}
