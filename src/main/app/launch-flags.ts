// Launch flags the desktop app adds to DesktopArgs (desktop-args.ts holds the manifest options):
//   --hidden    start without a window and supervise at once (start at login uses it);
//   --headless  the windowless daemon mode of the installed app, for systemd at boot: the
//               RunAsNode fuse is off in packaged builds, so the app binary itself runs
//               `showrunner serve` (docs/unattended-boot.md).
// The deb links the app binary as /usr/bin/showrunner, the name the CLI has (ARCHITECTURE.md
// §8), so a CLI command as the first word (`showrunner status`) also runs windowless, as
// that command, instead of opening the desktop app.
// Chromium's own switches (`--ozone-platform=headless`, `--no-sandbox`) are dropped from what
// the CLI sees: it rejects unknown flags.
import { CLI_COMMANDS } from '../command-names';
import { serveFlags } from '../serve-flags';

export interface LaunchFlags {
  hidden: boolean;
  headless: boolean;
  /** The CLI argv to run windowless instead of the desktop app, or null for the desktop app. */
  cliArgv: string[] | null;
}

const CHROMIUM_SWITCH = /^--(ozone-platform|ozone-platform-hint|no-sandbox|disable-gpu|disable-gpu-sandbox|enable-features|disable-features|enable-logging|v|vmodule|user-data-dir|lang|in-process-gpu|use-gl|headless)(=|$)/;

export function parseLaunchFlags(argv: readonly string[]): LaunchFlags {
  const hidden = argv.includes('--hidden');
  const wordAt = firstWordIndex(argv);
  const word = wordAt >= 0 ? argv[wordAt] : undefined;
  if (word && (CLI_COMMANDS as readonly string[]).includes(word) && word !== 'serve') {
    return { hidden, headless: true, cliArgv: argv.slice(wordAt).filter((arg) => !CHROMIUM_SWITCH.test(arg)) };
  }
  const headless = argv.includes('--headless') || word === 'serve';
  return { hidden, headless, cliArgv: headless ? ['serve', ...headlessServeArgs(argv)] : null };
}

/** Index of the first argument that is neither a switch nor the value of one of serve's flags. */
function firstWordIndex(argv: readonly string[]): number {
  const specs: Record<string, { kind: string }> = serveFlags;
  return argv.findIndex((arg, i) => {
    if (arg.startsWith('-')) return false;
    const previous = i > 0 ? argv[i - 1] : '';
    const flag = previous.startsWith('--') && !previous.includes('=') ? specs[previous.slice(2)] : undefined;
    return !flag || flag.kind === 'boolean';
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
