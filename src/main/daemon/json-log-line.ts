// `--log-format json` (issue 17): every stderr line of the daemon as one JSON object, for log
// shippers. Level from the line's own prefix (`warning: …`, `error: …`), else info.
export function jsonLogLine(fields: { msg: string } & Record<string, unknown>): string {
  const level = /^(warning|error)\b/.exec(fields.msg)?.[1] ?? 'info';
  return JSON.stringify({ time: new Date().toISOString(), level, ...fields }) + '\n';
}
