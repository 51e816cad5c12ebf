// The levels of `--log-level`, shared by monitors and the built-in parts: one ladder, so
// `showrunner mrmd --log-level warn` quiets them all alike.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export const LOG_LEVELS: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function isLogLevel(value: string): value is LogLevel {
  return Object.hasOwn(LOG_LEVELS, value);
}
