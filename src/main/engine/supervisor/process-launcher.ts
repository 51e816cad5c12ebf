// How a service's process comes to life. The default runs `bash -lc <command>` (Gradi's
// contract) detached, so the service leads its own process group and a stop can signal the
// whole group; `pty = true` services go through node-pty instead (pty-launcher.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import type { LogStream } from '../../../shared/model';
import { LAUNCH_ENV } from './launch-marker';
import { OutputReader } from './output-reader';
import { ptyLauncher } from './pty-launcher';
import { workingDirProblem } from './working-dir-problem';

export interface LaunchRequest {
  name: string;
  command: string;
  /** Absolute. */
  workingDir: string;
  venv?: string;
  /** The service's own variables; merged over process.env by the launcher. */
  env: Record<string, string>;
  pty: boolean;
  /** SHOWRUNNER_LAUNCH for this launch (launch-marker.ts): how a stop finds double-forked descendants. */
  marker?: string;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LaunchedProcess {
  readonly pid: number;
  /** Resolves once the main process has exited; output of its children may still follow. */
  readonly exited: Promise<ExitInfo>;
}

/**
 * May return a promise: the log is behind, so reading pauses until it resolves (backpressure).
 * A Buffer is valid only during the call (the launcher reads into one reused buffer): copy what you keep.
 */
export type OutputListener = (stream: Exclude<LogStream, 'system'>, data: Buffer | string) => void | Promise<void>;

export interface ProcessLauncher {
  /** Rejects when the process could not be started at all (no bash, missing working dir). */
  launch(request: LaunchRequest, output: OutputListener): Promise<LaunchedProcess>;
}

/** A launch failure; `permanent` when retrying cannot help, so the service fails at once. */
export class LaunchError extends Error {
  readonly permanent: boolean;

  constructor(message: string, { permanent = false } = {}) {
    super(message);
    this.name = 'LaunchError';
    this.permanent = permanent;
  }
}

/** Colour hints for programs that turn colour off on pipes; the service's env may override. */
const COLOUR_HINTS = { FORCE_COLOR: '1', CLICOLOR_FORCE: '1' };
const DRAIN_AFTER_EXIT_MS = 50;

export function shellScript(command: string, venv?: string): string {
  if (!venv) return command;
  return `source ${quote(`${venv}/bin/activate`)} && ${command}`;
}

export function launchEnv(request: LaunchRequest, extra: Record<string, string> = {}): Record<string, string> {
  const env = { ...(process.env as Record<string, string>), ...extra, ...request.env };
  // Last, so no manifest can set it: a wrong marker would hide the tree from its stop.
  if (request.marker) env[LAUNCH_ENV] = request.marker;
  return env;
}

export const defaultLauncher: ProcessLauncher = {
  async launch(request, output) {
    // Not permanent: a folder on a drive mounted later may yet appear; backoff retries.
    const problem = await workingDirProblem(request.workingDir);
    if (problem !== null) throw new LaunchError(problem);
    return request.pty ? ptyLauncher.launch(request, output) : launchPiped(request, output);
  },
};

async function launchPiped(request: LaunchRequest, output: OutputListener): Promise<LaunchedProcess> {
  // A chatty child that outruns the log files waits on its pipe (as it would writing to a
  // slow terminal) instead of growing our memory.
  let paused = false;
  const readers: { pause(): void; resume(): void }[] = [];
  const forward = (stream: 'stdout' | 'stderr') => (data: Buffer) => {
    const behind = output(stream, data);
    if (!behind || paused) return;
    paused = true;
    for (const reader of readers) reader.pause();
    void behind.finally(() => {
      paused = false;
      for (const reader of readers) reader.resume();
    });
  };
  // Our own readers where the platform allows (see OutputReader), else Node's pipes.
  const [out, err] = await Promise.all([OutputReader.open(forward('stdout')), OutputReader.open(forward('stderr'))]);
  if (!out || !err) {
    out?.destroy();
    err?.destroy();
  }
  const own = out && err ? { out, err } : null;
  const closeOwn = (): void => {
    own?.out.destroy();
    own?.err.destroy();
  };
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn('bash', ['-lc', shellScript(request.command, request.venv)], {
        cwd: request.workingDir,
        env: launchEnv(request, COLOUR_HINTS),
        detached: process.platform !== 'win32',
        stdio: ['ignore', own ? own.out.childEnd : 'pipe', own ? own.err.childEnd : 'pipe'],
        windowsHide: true,
      });
    } catch (error) {
      closeOwn(); // open sockets would keep the process alive
      throw error;
    }
    // Both ends of the output closed: by the child and all it left running, or at a failed spawn.
    let outputClosed: Promise<unknown>;
    if (own) {
      own.out.releaseChildEnd();
      own.err.releaseChildEnd();
      readers.push(own.out, own.err);
      outputClosed = Promise.all([own.out.closed, own.err.closed]);
    } else {
      readers.push(child.stdout!, child.stderr!);
      child.stdout!.on('data', forward('stdout'));
      child.stderr!.on('data', forward('stderr'));
      outputClosed = new Promise((resolveClosed) => child.once('close', resolveClosed));
    }
    const exited = new Promise<ExitInfo>((resolveExit) => {
      child.once('exit', (code, signal) => {
        // Output still in the pipes belongs before the exit in the log; but a grandchild
        // holding the pipes open must not delay the exit for long.
        const timer = setTimeout(() => resolveExit({ code, signal }), DRAIN_AFTER_EXIT_MS);
        void outputClosed.then(() => {
          clearTimeout(timer);
          resolveExit({ code, signal });
        });
      });
    });
    child.once('spawn', () => resolve({ pid: child.pid!, exited }));
    child.once('error', (error) => {
      // After a successful spawn an error is a failed kill or pipe; the exit still comes.
      if (child.pid === undefined) {
        closeOwn();
        reject(new LaunchError(`could not start bash in ${request.workingDir}: ${error.message}`));
      }
    });
  });
}

function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
