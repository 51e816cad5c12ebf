// Puts the stand-in `docker` (fake-docker.cjs) in a folder of its own, for tests to put first
// on PATH, and reads back what it recorded. The shim names this Node by absolute path, so it
// works under `bash -l` too, whatever PATH a login profile sets.
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const FAKE_DOCKER_SCRIPT = join(import.meta.dirname, 'fake-docker.cjs');

export interface FakeDocker {
  /** Holds the `docker` shim: put it first on PATH. */
  binDir: string;
  /** FAKE_DOCKER_DIR: state.json and calls.log. */
  dir: string;
  /** PATH and FAKE_DOCKER_DIR for a child process (or process.env). */
  env: Record<string, string>;
  state(): Promise<any>;
  setState(update: (state: any) => void): Promise<void>;
  /** The argument lists recorded so far. */
  calls(): Promise<string[][]>;
}

export async function installFakeDocker(root: string, initial: Record<string, unknown> = {}): Promise<FakeDocker> {
  const binDir = join(root, 'fake-bin');
  const dir = join(root, 'fake-docker');
  await mkdir(binDir, { recursive: true });
  await mkdir(dir, { recursive: true });
  const shim = join(binDir, 'docker');
  await writeFile(shim, `#!/bin/sh\nexec '${process.execPath}' '${FAKE_DOCKER_SCRIPT}' "$@"\n`);
  await chmod(shim, 0o755);
  const stateFile = join(dir, 'state.json');
  await writeFile(stateFile, JSON.stringify(initial));
  const state = async () => JSON.parse(await readFile(stateFile, 'utf8'));
  return {
    binDir,
    dir,
    env: { PATH: `${binDir}:${process.env.PATH ?? ''}`, FAKE_DOCKER_DIR: dir },
    state,
    async setState(update) {
      const value = await state();
      update(value);
      // Atomic, as the fake's own writes: a reader must never see half a file.
      await writeFile(`${stateFile}.test.tmp`, JSON.stringify(value));
      await rename(`${stateFile}.test.tmp`, stateFile);
    },
    async calls() {
      const text = await readFile(join(dir, 'calls.log'), 'utf8').catch(() => '');
      return text.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { args: string[] }).args);
    },
  };
}

/** A compose call without its `--project-directory X -f Y` prefix: `['up', '-d', '--no-deps', 'web']`. */
export function composeCall(args: string[]): string[] {
  if (args[0] !== 'compose') return args;
  const rest: string[] = [];
  for (let i = 1; i < args.length; i++) {
    if (args[i] === '--project-directory' || args[i] === '-f') i++;
    else rest.push(args[i]);
  }
  return rest;
}
