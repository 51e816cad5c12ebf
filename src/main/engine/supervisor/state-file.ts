// The supervisor's memory across crashes: which process trees it left running. One file per
// manifest (`supervisors/<instance key>.json` in the state dir, the key of the supervisor
// lock), so a daemon only ever cleans up after a previous supervisor of its own manifest,
// never after another manifest's daemon running beside it (issue 14). Written atomically
// (temp file, then rename) at start and on every launch and exit, so a supervisor killed
// with SIGKILL leaves a file that names exactly what to clean up (orphan-reaper.ts).
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcRef } from './proc-table';

export interface TreeRecord {
  root: ProcRef;
  /** Other members seen so far, including ones that left the group. */
  members: ProcRef[];
  /** The launch's SHOWRUNNER_LAUNCH value (launch-marker.ts); absent in files of older versions. */
  marker?: string;
  stopSignal: NodeJS.Signals;
  stopTimeoutMs: number;
}

export interface StateFileContent {
  version: 1 | 2;
  /** The instance key (engine/instance/manifest-key.ts); every marker of this run starts with it. */
  instance?: string;
  /** Random per supervisor run: the middle of each of its launch markers. */
  session?: string;
  /** The supervisor that wrote it: a live one still owns these trees. */
  supervisor: ProcRef | null;
  services: Record<string, TreeRecord>;
}

export interface StateFileOwner {
  instance: string;
  session: string;
  supervisor: ProcRef | null;
}

export const STATE_DIR_NAME = 'supervisors';
/** Where versions before per-manifest state kept one file for every supervisor. */
export const LEGACY_STATE_FILE_NAME = 'supervisor-state.json';

export class StateFile {
  readonly path: string;
  private dirReady = false;

  constructor(
    private readonly dir: string,
    path: string,
  ) {
    this.path = path;
  }

  /** The state file of one manifest's supervisor. */
  static forInstance(stateDir: string, instance: string): StateFile {
    const dir = join(stateDir, STATE_DIR_NAME);
    return new StateFile(dir, join(dir, `${instance}.json`));
  }

  /** The one shared file older versions wrote; read once for cleanup, then removed. */
  static legacy(stateDir: string): StateFile {
    return new StateFile(stateDir, join(stateDir, LEGACY_STATE_FILE_NAME));
  }

  read(): StateFileContent | null {
    try {
      const content = JSON.parse(readFileSync(this.path, 'utf8')) as StateFileContent;
      return (content?.version === 1 || content?.version === 2) && typeof content.services === 'object' ? content : null;
    } catch {
      return null;
    }
  }

  write(owner: StateFileOwner, services: Record<string, TreeRecord>): void {
    if (!this.dirReady) {
      mkdirSync(this.dir, { recursive: true });
      this.dirReady = true;
    }
    const content: StateFileContent = { version: 2, ...owner, services };
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(content));
    renameSync(temp, this.path);
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }
}
