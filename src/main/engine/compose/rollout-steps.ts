// The docker side of a roll-out's steps (MoonMind §5.4–5.7): remember the running image as the
// previous one, build, and put the previous image back. Each writes what docker printed into
// the run's artifact for that step.
import type { ComposeSpec } from '../config/manifest-types';
import { composeArgs, composePs, dockerFailure, runDocker } from './compose-cli';

export const PREVIOUS_TAG = 'showrunner-previous';
const BUILD_TIMEOUT_MS = 30 * 60_000;
const TAG_TIMEOUT_MS = 60_000;

export interface StepResult {
  ok: boolean;
  message: string;
  /** Set by `tagPrevious`: what to restore on rollback. */
  previous?: { image: string; tag: string };
  skipped?: boolean;
}

/** `repo:tag` → `repo`; a registry's port (`host:5000/app`) is not a tag. */
export function imageRepository(image: string): string {
  return image.replace(/:[^/:]+$/, '');
}

export async function tagPrevious(compose: ComposeSpec, log: (text: string) => void, signal: AbortSignal): Promise<StepResult> {
  const ps = await composePs(compose, { cwd: compose.projectDir, signal });
  if (!ps.ok) return { ok: false, message: ps.reason };
  if (!ps.container || ps.container.image === '') {
    log('no container yet: nothing to keep as the previous image\n');
    return { ok: true, skipped: true, message: 'no running container; a failed roll-out cannot be rolled back' };
  }
  const image = ps.container.image;
  const tag = `${imageRepository(image)}:${PREVIOUS_TAG}`;
  log(`$ docker image tag ${image} ${tag}\n`);
  const result = await runDocker(['image', 'tag', image, tag], { cwd: compose.projectDir, timeoutMs: TAG_TIMEOUT_MS, signal, onOutput: log });
  if (result.code !== 0) return { ok: false, message: `tagging ${image} failed: ${dockerFailure(result)}` };
  return { ok: true, message: `${image} kept as ${tag}`, previous: { image, tag } };
}

export async function build(compose: ComposeSpec, log: (text: string) => void, signal: AbortSignal): Promise<StepResult> {
  log(`$ docker compose build ${compose.service}\n`);
  const result = await runDocker(composeArgs(compose, 'build', compose.service), { cwd: compose.projectDir, timeoutMs: BUILD_TIMEOUT_MS, signal, onOutput: log });
  if (result.code !== 0) return { ok: false, message: `build failed: ${dockerFailure(result)}` };
  return { ok: true, message: 'built' };
}

export async function restorePrevious(compose: ComposeSpec, previous: { image: string; tag: string }, log: (text: string) => void, signal: AbortSignal): Promise<StepResult> {
  log(`$ docker image tag ${previous.tag} ${previous.image}\n`);
  const result = await runDocker(['image', 'tag', previous.tag, previous.image], { cwd: compose.projectDir, timeoutMs: TAG_TIMEOUT_MS, signal, onOutput: log });
  if (result.code !== 0) return { ok: false, message: `restoring ${previous.image} failed: ${dockerFailure(result)}` };
  return { ok: true, message: `${previous.image} restored from ${previous.tag}` };
}
