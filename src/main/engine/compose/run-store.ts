// Where roll-out runs live on disk: `runs/<id>/` in the log dir, with `run.json` (the run as
// the API shows it, rewritten at every change) beside its logs. At start every run is read
// back; one that was under way when the daemon went away is ended `failed` with that reason
// right then, so no run stays stuck in `building` or `awaiting_approval` forever.
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ARTIFACT_NAMES, isFinalRunStatus, RolloutRun, type ArtifactName } from '../../../shared/rollout-run';
import { writeFileDurable } from '../fs/write-file-durable';

const ID_PATTERN = /^[a-z0-9-]{1,80}$/;
/** What `runs.artifact` returns at most; a longer log is cut at its start. */
export const MAX_ARTIFACT_BYTES = 1024 * 1024;

export class RunStore {
  constructor(readonly dir: string) {}

  /** Sortable by time, safe as a folder name. */
  newId(): string {
    return `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  }

  async save(run: RolloutRun): Promise<void> {
    await writeFileDurable(this.path(run.id, 'run.json'), JSON.stringify(run, null, 2) + '\n', { sync: isFinalRunStatus(run.status) });
  }

  async append(id: string, name: ArtifactName, text: string): Promise<void> {
    await mkdir(join(this.dir, id), { recursive: true });
    await appendFile(this.path(id, name), text);
  }

  /** Every stored run, oldest first; unfinished ones are ended as failed (and saved so). */
  async load(): Promise<RolloutRun[]> {
    let ids: string[];
    try {
      ids = (await readdir(this.dir)).filter((id) => ID_PATTERN.test(id)).sort();
    } catch {
      return [];
    }
    const runs: RolloutRun[] = [];
    for (const id of ids) {
      let run: RolloutRun;
      try {
        run = RolloutRun.parse(JSON.parse(await readFile(this.path(id, 'run.json'), 'utf8')));
      } catch {
        continue; // a folder without a readable run.json is no run (a crash before its first save)
      }
      if (!isFinalRunStatus(run.status)) {
        const was = run.status;
        const now = Date.now();
        run.status = 'failed';
        run.reason = `the daemon stopped during the run (it was ${was.replace('_', ' ')}); nothing was resumed`;
        run.endedAt = now;
        for (const step of run.steps) {
          if (step.status === 'running') Object.assign(step, { status: 'failed', endedAt: now, message: 'interrupted by a daemon restart' });
          else if (step.status === 'pending') step.status = 'skipped';
        }
        await this.save(run);
      }
      run.artifacts = await this.artifacts(id);
      runs.push(run);
    }
    return runs;
  }

  async artifacts(id: string): Promise<string[]> {
    const names: string[] = [];
    for (const name of ARTIFACT_NAMES) {
      if (await stat(this.path(id, name)).then(() => true, () => false)) names.push(name);
    }
    return names;
  }

  async read(id: string, name: ArtifactName): Promise<string> {
    const text = await readFile(this.path(id, name), 'utf8');
    return text.length > MAX_ARTIFACT_BYTES ? text.slice(text.length - MAX_ARTIFACT_BYTES) : text;
  }

  path(id: string, name: ArtifactName): string {
    if (!ID_PATTERN.test(id)) throw new Error(`bad run id ${JSON.stringify(id).slice(0, 100)}`);
    return join(this.dir, id, name);
  }
}
