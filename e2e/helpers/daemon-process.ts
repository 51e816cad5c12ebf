// Starts the built `showrunner serve` as a real process with its own temp state, runtime and
// log dirs, and reads the one line it prints when ready.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const repoRoot = resolve(import.meta.dirname, '..', '..');
export const cliPath = join(repoRoot, 'bin', 'showrunner.js');

export interface DaemonProcess {
  child: ChildProcess;
  url: string;
  origin: string;
  token: string;
  tempDir: string;
  env: NodeJS.ProcessEnv;
  stderr: () => string;
  stop(): Promise<number | null>;
}

export async function startDaemon(args: string[] = [], { timeoutMs = 30_000, command = 'serve' } = {}): Promise<DaemonProcess> {
  const tempDir = await mkdtemp(join(tmpdir(), 'showrunner-e2e-'));
  const env = { ...process.env, XDG_RUNTIME_DIR: join(tempDir, 'run'), XDG_STATE_HOME: join(tempDir, 'state') };
  const child = spawn(process.execPath, [cliPath, command, '--port', '0', '--state-dir', join(tempDir, 'state'), '--log-dir', join(tempDir, 'logs'), ...args], {
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
  const match = /^Showrunner listening on (http:\/\/[^/]+)\/\?token=(\S+)$/.exec(line);
  if (!match) throw new Error(`unexpected first line: ${JSON.stringify(line)}`);
  const [, origin, token] = match;
  return {
    child,
    url: `${origin}/?token=${token}`,
    origin,
    token,
    tempDir,
    env,
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
