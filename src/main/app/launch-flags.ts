// Launch flags the desktop app adds to DesktopArgs (desktop-args.ts holds the manifest options):
//   --hidden    start without a window and supervise at once (start at login uses it);
//   --headless  the windowless daemon mode of the installed app, for systemd at boot: the
//               RunAsNode fuse is off in packaged builds, so the app binary itself runs
//               `showrunner serve` (docs/unattended-boot.md). `serve` as the first word means
//               the same, since the deb links the app binary as /usr/bin/showrunner.
// Chromium's own switches (`--ozone-platform=headless`, `--no-sandbox`) pass through untouched.
import { serveFlags } from '../cli/serve-command';

export interface LaunchFlags {
  hidden: boolean;
  headless: boolean;
}

export function parseLaunchFlags(argv: readonly string[]): LaunchFlags {
  return { hidden: argv.includes('--hidden'), headless: argv.includes('--headless') || firstWord(argv) === 'serve' };
}

/** The first argument that is neither a switch nor the value of one of serve's flags. */
function firstWord(argv: readonly string[]): string | undefined {
  const specs: Record<string, { kind: string }> = serveFlags;
  return argv.find((arg, i) => {
    if (arg.startsWith('-')) return false;
    const previous = i > 0 ? argv[i - 1] : '';
    return !(previous.startsWith('--') && !previous.includes('=') && specs[previous.slice(2)]?.kind !== undefined && specs[previous.slice(2)].kind !== 'boolean');
  });
}

/**
 * The `showrunner serve` arguments among the app's argv, for --headless: serve's own flags
 * with their values, nothing else (serve rejects unknown flags, and Chromium adds its own).
 */
export function headlessServeArgs(argv: readonly string[]): string[] {
  const specs: Record<string, { kind: 'boolean' | 'string' | 'list' }> = serveFlags;
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) continue;
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq >= 0 ? eq : undefined);
    const spec = specs[name];
    if (!spec) continue;
    out.push(arg);
    if (spec.kind === 'boolean' || eq >= 0) continue;
    while (i + 1 < argv.length && !argv[i + 1].startsWith('-')) {
      out.push(argv[++i]);
      if (spec.kind === 'string') break;
    }
  }
  return out;
}
