// `pty = true`: for programs that only behave (colour, line buffering, prompts) on a terminal.
// node-pty is an optional native dependency, so it is loaded on first use: a machine without
// it fails only the services that ask for a pty, with a reason saying so.
import { constants } from 'node:os';
import { LaunchError, launchEnv, type ExitInfo, type LaunchedProcess, type LaunchRequest, type OutputListener, type ProcessLauncher } from './launch-request';
import { shellScript } from './shell-script';

type NodePty = typeof import('node-pty');

let loading: Promise<NodePty> | null = null;

function loadNodePty(): Promise<NodePty> {
  loading ??= import('node-pty').then((module) => ((module as { default?: NodePty }).default ?? module) as NodePty);
  return loading;
}

export const ptyLauncher: ProcessLauncher = {
  async launch(request: LaunchRequest, output: OutputListener): Promise<LaunchedProcess> {
    let pty: NodePty;
    try {
      pty = await loadNodePty();
    } catch (error) {
      loading = null;
      throw new LaunchError(`pty = true needs node-pty, which could not be loaded: ${(error as Error).message}`, { permanent: true });
    }
    // forkpty makes the child a session (and group) leader, as `detached` does for pipes.
    const term = pty.spawn('bash', ['-lc', shellScript(request.command, request.venv)], {
      name: 'xterm-256color',
      cols: 120,
      rows: 32,
      cwd: request.workingDir,
      env: launchEnv(request, { TERM: 'xterm-256color' }),
    });
    term.onData((data) => output('stdout', data));
    const exited = new Promise<ExitInfo>((resolve) => {
      term.onExit(({ exitCode, signal }) => resolve(signal ? { code: null, signal: signalName(signal) } : { code: exitCode, signal: null }));
    });
    return { pid: term.pid, exited };
  },
};

function signalName(signal: number): NodeJS.Signals | null {
  const entry = Object.entries(constants.signals).find(([, number]) => number === signal);
  return (entry?.[0] as NodeJS.Signals | undefined) ?? null;
}
