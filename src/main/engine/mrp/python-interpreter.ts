// Which Python the built-in runtime runs: the manifest's `[monitors] python` (an interpreter,
// or a virtual environment's folder), else the active virtual environment (`VIRTUAL_ENV`),
// else `python3` on PATH. null when there is none: then the runtime serves no python route
// and the monitors say no runtime is configured for python.
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

export function resolvePythonInterpreter(setting: string | undefined, env: NodeJS.ProcessEnv = process.env): string | null {
  if (setting !== undefined && setting !== '') return interpreterIn(setting) ?? findOnPath(setting, env);
  if (env.VIRTUAL_ENV) {
    const venv = interpreterIn(env.VIRTUAL_ENV);
    if (venv !== null) return venv;
  }
  return findOnPath('python3', env);
}

/** A folder is taken as a virtual environment (its `bin/python3` or `bin/python`); a file as the interpreter. */
function interpreterIn(location: string): string | null {
  if (!path.isAbsolute(location) && !location.includes('/')) return null;
  const stats = statOf(location);
  if (stats?.isDirectory()) {
    for (const name of ['python3', 'python']) {
      const candidate = path.join(location, 'bin', name);
      if (isExecutable(candidate)) return candidate;
    }
    return null;
  }
  return isExecutable(location) ? path.resolve(location) : null;
}

/** Like `command -v`: the first executable file named `name` in `env.PATH`. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (name.includes('/')) return isExecutable(name) ? path.resolve(name) : null;
  for (const folder of (env.PATH ?? '').split(path.delimiter)) {
    if (folder === '') continue;
    const candidate = path.join(folder, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function statOf(location: string): ReturnType<typeof statSync> | null {
  try {
    return statSync(location);
  } catch {
    return null;
  }
}

function isExecutable(file: string): boolean {
  if (!statOf(file)?.isFile()) return false;
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
