// The supervisor's memory across crashes: which process trees it left running. Written
// atomically (temp file, then rename) on every launch and exit, so a supervisor killed with
// SIGKILL leaves a file that names exactly what to clean up (orphan-reaper.ts).
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcRef } from './proc-table';

export interface TreeRecord {
  root: ProcRef;
  /** Other members seen so far, including ones that left the group. */
  members: ProcRef[];
  stopSignal: NodeJS.Signals;
  stopTimeoutMs: number;
}

export interface StateFileContent {
  version: 1;
  /** The supervisor that wrote it: a live one still owns these trees. */
  supervisor: ProcRef | null;
  services: Record<string, TreeRecord>;
}

export const STATE_FILE_NAME = 'supervisor-state.json';

export class StateFile {
  readonly path: string;
  private dirReady = false;

  constructor(private readonly dir: string) {
    this.path = join(dir, STATE_FILE_NAME);
  }

  read(): StateFileContent | null {
    try {
      const content = JSON.parse(readFileSync(this.path, 'utf8')) as StateFileContent;
      return content?.version === 1 && typeof content.services === 'object' ? content : null;
    } catch {
      return null;
    }
  }

  write(supervisor: ProcRef | null, services: Record<string, TreeRecord>): void {
    if (!this.dirReady) {
      mkdirSync(this.dir, { recursive: true });
      this.dirReady = true;
    }
    const content: StateFileContent = { version: 1, supervisor, services };
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(content));
    renameSync(temp, this.path);
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }
}
