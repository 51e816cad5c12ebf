// Starts the built `showrunner serve` as a real process and reads the one line it prints when
// ready. Alone, each daemon gets its own temp state, runtime and log dirs; given a `home`,
// several share its state and runtime dirs (their records, locks and tokens), as daemons of
// several manifests do on one machine.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const repoRoot = resolve(import.meta.dirname, '..', '..');
export const cliPath = join(repoRoot, 'bin', 'showrunner.js');

export interface DaemonProcess {
  child: ChildProcess;
  /** The panel URL as printed: `http://127.0.0.1:PORT/?token=TOKEN`. */
  url: string;
  origin: string;
  token: string;
  tempDir: string;
  env: NodeJS.ProcessEnv;
  stderr: () => string;
  /** SIGTERM, wait for the exit code, remove its own temp dir. */
  stop(): Promise<number | null>;
}

export interface StartDaemonOptions {
  timeoutMs?: number;
  command?: string;
  /** Shared dir for several daemons: `run/` (XDG_RUNTIME_DIR) and `state/`; kept on stop. */
  home?: string;
  /** Extra environment (SHOWRUNNER_TOKEN). */
  env?: NodeJS.ProcessEnv;
}

/** The environment client commands need to find the daemons that share `home`. */
export function homeEnv(home: string): NodeJS.ProcessEnv {
  return { ...process.env, XDG_RUNTIME_DIR: join(home, 'run'), XDG_STATE_HOME: join(home, 'state') };
}

export async function startDaemon(args: string[] = [], { timeoutMs = 30_000, command = 'serve', home, env: extraEnv = {} }: StartDaemonOptions = {}): Promise<DaemonProcess> {
  if (home) await mkdir(home, { recursive: true });
  const tempDir = await mkdtemp(join(home ?? tmpdir(), 'showrunner-e2e-'));
  const base = home ?? tempDir;
  const env = { ...homeEnv(base), ...extraEnv };
  const child = spawn(process.execPath, [cliPath, command, '--port', '0', '--state-dir', join(base, 'state'), '--log-dir', join(tempDir, 'logs'), ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (stderr += chunk));
  const line = await new Promise<string>((resolveLine, reject) => {
    const timer = setTimeout(() => reject(new Error(`daemon printed no listening line in ${timeoutMs} ms; stderr:\n${stderr}`)), timeoutMs);
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (first) => {
      clearTimeout(timer);
      resolveLine(first);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`daemon exited with ${code} before listening; stderr:\n${stderr}`));
    });
  });
  const match = /^Showrunner listening on ((https?:\/\/[^/]+)\/\?token=(\S+))$/.exec(line);
  if (!match) throw new Error(`unexpected first line: ${JSON.stringify(line)}`);
  const [, url, origin, token] = match;
  return {
    child,
    url,
    origin,
    token: decodeURIComponent(token),
    tempDir,
    env: { ...homeEnv(base) },
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
        child.kill('SIGTERM');
        const code = await exited;
        await rm(tempDir, { recursive: true, force: true });
        return code;
      }
      await rm(tempDir, { recursive: true, force: true });
      return child.exitCode;
    },
  };
}
