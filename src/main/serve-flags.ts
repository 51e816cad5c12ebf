// `showrunner serve`'s flags: parsed by the serve command (daemon/serve-command.ts) and picked
// out of the desktop app's argv for --headless (app/launch-flags.ts).
export const serveFlags = {
  config: { kind: 'string', alias: 'c' },
  services: { kind: 'list' },
  testing: { kind: 'boolean' },
  root: { kind: 'string' },
  host: { kind: 'string' },
  port: { kind: 'string', alias: 'p' },
  token: { kind: 'string' },
  'new-token': { kind: 'boolean' },
  'viewer-token': { kind: 'string' },
  tls: { kind: 'boolean' },
  'tls-cert': { kind: 'string' },
  'tls-key': { kind: 'string' },
  'log-dir': { kind: 'string' },
  'state-dir': { kind: 'string' },
  'device-root': { kind: 'string' },
  quiet: { kind: 'boolean' },
  'log-format': { kind: 'string' },
} as const;
