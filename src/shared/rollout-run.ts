// A roll-out of a compose service as a run (issue 19; MoonMind's orchestrator runs, seed 004):
// its status, its steps with timings, and the artifacts it wrote. The statuses are the
// issue's list, word for word, so a MoonMind client reads them unchanged.
import { z } from 'zod';

export const RunStatus = z.enum([
  'queued',
  'awaiting_approval',
  'building',
  'deploying',
  'verifying',
  'rolling_back',
  'succeeded',
  'rolled_back',
  'failed',
  'rejected',
]);
export type RunStatus = z.infer<typeof RunStatus>;

/** A run in one of these is over; nothing changes it any more. */
export const FINAL_RUN_STATUSES: readonly RunStatus[] = ['succeeded', 'rolled_back', 'failed', 'rejected'];

export const StepStatus = z.enum(['pending', 'running', 'succeeded', 'failed', 'skipped']);
export type StepStatus = z.infer<typeof StepStatus>;

/** In order; the last two only when a deployment is rolled back. */
export const StepName = z.enum(['tag', 'build', 'deploy', 'verify', 'rollback', 'verify_rollback']);
export type StepName = z.infer<typeof StepName>;

export const RunStep = z.object({
  name: StepName,
  status: StepStatus,
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  /** What happened, in a line ("container unhealthy after 60 s"). */
  message: z.string().nullable(),
});
export type RunStep = z.infer<typeof RunStep>;

export const RolloutRun = z.object({
  id: z.string(),
  service: z.string(),
  status: RunStatus,
  /** Why it ended as it did, or what it waits for. */
  reason: z.string().nullable(),
  protected: z.boolean(),
  createdAt: z.number(),
  endedAt: z.number().nullable(),
  /** Who approved or rejected it (the API has no users yet: the client that did). */
  decidedBy: z.string().nullable(),
  steps: z.array(RunStep),
  /** Files under `runs/<id>/` in the log dir (`run.json`, `build.log`, ...). */
  artifacts: z.array(z.string()),
});
export type RolloutRun = z.infer<typeof RolloutRun>;

export const ARTIFACT_NAMES = ['run.json', 'build.log', 'deploy.log', 'verify.log', 'rollback.log'] as const;
export const ArtifactName = z.enum(ARTIFACT_NAMES);
export type ArtifactName = z.infer<typeof ArtifactName>;

export function isFinalRunStatus(status: RunStatus): boolean {
  return FINAL_RUN_STATUSES.includes(status);
}
