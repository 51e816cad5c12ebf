// `showrunner mrmd --packages SPEC[,SPEC...]`: installs Python packages (names, wheels or
// project folders, as pip takes them) into the environment of the built-in runtime's python
// before the daemon starts, so the notebook's cells can import them. mrmd-orchestrator's flag
// of the same name pointed at its own source tree; here it does what a user of `mrmd`
// wants of it. Without an interpreter or without pip it prints one line and goes on; pip's
// own output goes to stderr, as stdout keeps the daemon's single listening line.
import { spawn, spawnSync } from 'node:child_process';
import { resolvePythonInterpreter } from '../engine/mrp/python-interpreter';

export interface InstallOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  say?: (line: string) => void;
}

/** true when pip installed everything; false (after saying why) otherwise. */
export async function installPackages(value: string, { env = process.env, cwd = process.cwd(), say = (line) => process.stderr.write(`${line}\n`) }: InstallOptions = {}): Promise<boolean> {
  const specs = value.split(/[\s,]+/).filter(Boolean);
  if (specs.length === 0) {
    say('mrmd: --packages names no package; nothing to install');
    return false;
  }
  const python = resolvePythonInterpreter(undefined, env);
  if (python === null) {
    say(`mrmd: --packages: no python3 for the built-in runtime (on PATH or VIRTUAL_ENV); not installing ${specs.join(', ')}`);
    return false;
  }
  const pip = spawnSync(python, ['-m', 'pip', '--version'], { env, stdio: 'ignore', timeout: 60_000 });
  if (pip.status !== 0) {
    say(`mrmd: --packages: pip is not available for ${python}; not installing ${specs.join(', ')} (install them into that environment yourself)`);
    return false;
  }
  say(`mrmd: installing ${specs.join(', ')} into ${python} with pip`);
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', ...specs], { env, cwd, stdio: ['ignore', 2, 2] });
    child.once('error', () => resolve(null));
    child.once('exit', (status) => resolve(status));
  });
  if (code !== 0) {
    say(`mrmd: --packages: pip install failed (${code === null ? 'could not run' : `exit ${code}`}); starting without them`);
    return false;
  }
  return true;
}
