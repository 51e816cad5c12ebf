// Start at login on Linux (issue 11): an XDG autostart entry,
// $XDG_CONFIG_HOME/autostart/showrunner.desktop (default ~/.config). Electron's
// setLoginItemSettings does nothing on Linux. Exec is $APPIMAGE when running from an AppImage
// (process.execPath then points into the temporary mount, gone after exit), else the binary.
// Everything here takes the config dir as a parameter, so tests use a temp dir.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const AUTOSTART_FILE_NAME = 'showrunner.desktop';

export interface LaunchCommand {
  exec: string;
  args: string[];
}

export interface LoginLaunchInput {
  env: NodeJS.ProcessEnv;
  execPath: string;
  manifestPath: string;
  demoManifestPath: string;
}

/** `--hidden`: no window, supervise at once; `--config` unless it is the built-in demo. */
export function loginLaunchCommand({ env, execPath, manifestPath, demoManifestPath }: LoginLaunchInput): LaunchCommand {
  const exec = env.APPIMAGE || execPath;
  const args = ['--hidden'];
  if (manifestPath !== demoManifestPath) args.push('--config', manifestPath);
  return { exec, args };
}

export function xdgConfigHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
}

export function autostartFilePath(configHome: string): string {
  return join(configHome, 'autostart', AUTOSTART_FILE_NAME);
}

export function buildAutostartEntry(command: LaunchCommand, { name = 'Showrunner' }: { name?: string } = {}): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${escapeValue(name)}`,
    'Comment=Supervise the installation’s services (written by Showrunner’s "Start at login")',
    `Exec=${escapeValue([command.exec, ...command.args].map(quoteExecArg).join(' '))}`,
    'Icon=showrunner',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    'Hidden=false',
    '',
  ].join('\n');
}

export interface AutostartState {
  enabled: boolean;
  command: LaunchCommand | null;
}

export async function readAutostartEntry(configHome: string): Promise<AutostartState> {
  let text: string;
  try {
    text = await readFile(autostartFilePath(configHome), 'utf8');
  } catch {
    return { enabled: false, command: null };
  }
  const keys = parseDesktopEntry(text);
  const disabled = keys.get('Hidden') === 'true' || keys.get('X-GNOME-Autostart-enabled') === 'false';
  const exec = keys.get('Exec');
  const words = exec === undefined ? [] : splitExec(unescapeValue(exec));
  return { enabled: !disabled && words.length > 0, command: words.length ? { exec: words[0], args: words.slice(1) } : null };
}

export async function writeAutostartEntry(configHome: string, command: LaunchCommand): Promise<string> {
  const file = autostartFilePath(configHome);
  await mkdir(join(configHome, 'autostart'), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, buildAutostartEntry(command), { mode: 0o644 });
  await rename(temp, file);
  return file;
}

export async function removeAutostartEntry(configHome: string): Promise<void> {
  await rm(autostartFilePath(configHome), { force: true });
}

// Desktop Entry Specification: Exec arguments with reserved characters go in double quotes with
// `"`, `` ` ``, `$` and `\` backslash-escaped; `%` is doubled (field codes); then the whole
// value gets the string escapes (`\\`, `\n`, …) like any other value.
const RESERVED = /[\s"'\\><~|&;$*?#()`]/;

export function quoteExecArg(arg: string): string {
  const percent = arg.replace(/%/g, '%%');
  if (percent !== '' && !RESERVED.test(percent)) return percent;
  return `"${percent.replace(/["`$\\]/g, '\\$&')}"`;
}

export function escapeValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r');
}

function unescapeValue(value: string): string {
  return value.replace(/\\([\\nstr])/g, (_, char: string) => ({ '\\': '\\', n: '\n', s: ' ', t: '\t', r: '\r' })[char] ?? char);
}

/** Exec's words after string unescaping: quotes grouped, backslash escapes inside them, `%%` → `%`. */
export function splitExec(exec: string): string[] {
  const words: string[] = [];
  let word = '';
  let started = false;
  for (let i = 0; i < exec.length; i++) {
    const char = exec[i];
    if (char === '"') {
      started = true;
      for (i++; i < exec.length && exec[i] !== '"'; i++) word += exec[i] === '\\' && i + 1 < exec.length ? exec[++i] : exec[i];
    } else if (/\s/.test(char)) {
      if (started) words.push(word);
      word = '';
      started = false;
    } else {
      word += char;
      started = true;
    }
  }
  if (started) words.push(word);
  return words.map((each) => each.replace(/%%/g, '%'));
}

function parseDesktopEntry(text: string): Map<string, string> {
  const keys = new Map<string, string>();
  let inMain = false;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('[')) inMain = trimmed === '[Desktop Entry]';
    else if (inMain && trimmed && !trimmed.startsWith('#') && trimmed.includes('=')) {
      const eq = trimmed.indexOf('=');
      keys.set(trimmed.slice(0, eq).trim(), trimmed.slice(eq + 1).trim());
    }
  }
  return keys;
}
