// How a service's process comes to life. The default runs `bash -lc <command>` (Gradi's
// contract) detached, so the service leads its own process group and a stop can signal the
// whole group; `pty = true` services go through node-pty instead (pty-launcher.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { composeBlocker, launchCompose } from '../compose/compose-launcher';
import { LaunchError, launchEnv, type ExitInfo, type LaunchedProcess, type LaunchRequest, type OutputListener, type ProcessLauncher } from './launch-request';
import { OutputReader } from './output-reader';
import { ptyLauncher } from './pty-launcher';
import { shellScript } from './shell-script';
import { workingDirProblem } from './working-dir-problem';

/** Colour hints for programs that turn colour off on pipes; the service's env may override. */
const COLOUR_HINTS = { FORCE_COLOR: '1', CLICOLOR_FORCE: '1' };
const DRAIN_AFTER_EXIT_MS = 50;

export const defaultLauncher: ProcessLauncher = {
  async launch(request, output) {
    // Not permanent: a folder on a drive mounted later may yet appear; backoff retries.
    const problem = await workingDirProblem(request.workingDir);
    if (problem !== null) throw new LaunchError(problem);
    if (request.compose) return launchCompose({ ...request, compose: request.compose }, output, (wrapper) => launchPiped(wrapper, output));
    return request.pty ? ptyLauncher.launch(request, output) : launchPiped(request, output);
  },
  blocker: (request) => (request.compose ? composeBlocker(request.compose) : Promise.resolve(null)),
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
