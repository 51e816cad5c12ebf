// Arguments the desktop app accepts (also forwarded by a second launch): the same manifest
// options as `showrunner serve`. Unknown switches (Chromium's own) are ignored here.
export interface DesktopArgs {
  config?: string;
  services?: string[];
  testing: boolean;
}

export function parseDesktopArgs(argv: string[]): DesktopArgs {
  const args: DesktopArgs = { testing: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--config' && argv[i + 1]) args.config = argv[++i];
    else if (arg.startsWith('--config=')) args.config = arg.slice('--config='.length);
    else if (arg === '--testing') args.testing = true;
    else if (arg === '--services') {
      const names: string[] = [];
      while (i + 1 < argv.length && !argv[i + 1].startsWith('-')) names.push(argv[++i]);
      args.services = names;
    }
  }
  return args;
}
