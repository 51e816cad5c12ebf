// Retention for one process's files, so a disk never fills: the oldest launches (and their
// rotated parts) go first until at most `maxFiles` remain, together they hold at most
// `maxTotalBytes`, and none is older than `maxAgeMs` (manifest `[logs]`, issue 16). The file
// of the current run's first launch is pinned: a crash loop keeps the output of its own first
// failure however many launches follow. The writer tells us about the files it creates as it
// creates them (a burst of rotations opens files faster than a directory listing would see
// them); files left by earlier runs are found by one listing. Only names of this process's
// pattern are touched.
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

export interface LogRetentionOptions {
  dir: string;
  /** File name prefix (the safe process name). */
  name: string;
  maxFiles: number;
  maxTotalBytes: number;
  /** Files last written longer ago than this go. */
  maxAgeMs?: number;
  now?: () => number;
  /** The file being written now, never deleted. */
  current: () => string | null;
}

interface TrackedFile {
  path: string;
  stamp: string;
  part: number;
  bytes: number;
  /** Last written (epoch ms). */
  writtenAt: number;
  /** Resolves once the writer has closed it: deleting earlier could race its pending open. */
  closed: Promise<void>;
}

/**
 * `<name>-<stamp>.log[.<part>]`, for every process: one compiled RegExp shared by all (one
 * per process cost a thousand idle services megabytes of regex code); the name is compared
 * as a string.
 */
const FILE_PATTERN = /^(.*)-(\d{8}-\d{6})\.log(?:\.(\d+))?$/;

export class LogRetention {
  private readonly dir: string;
  private maxFiles: number;
  private maxTotalBytes: number;
  private maxAgeMs: number;
  private readonly now: () => number;
  private pinned: string | null = null;
  private readonly name: string;
  private readonly current: () => string | null;
  /** Oldest first. */
  private files: TrackedFile[] = [];
  private scanned = false;
  private chain: Promise<void> = Promise.resolve();

  constructor({ dir, name, maxFiles, maxTotalBytes, maxAgeMs = Infinity, now = Date.now, current }: LogRetentionOptions) {
    this.dir = dir;
    this.current = current;
    this.maxFiles = Math.max(1, maxFiles);
    this.maxTotalBytes = maxTotalBytes;
    this.maxAgeMs = maxAgeMs;
    this.now = now;
    this.name = name;
  }

  /** New limits (the manifest changed); applied from the next `enforce`. */
  setLimits({ maxFiles, maxTotalBytes, maxAgeMs }: { maxFiles?: number; maxTotalBytes?: number; maxAgeMs?: number }): void {
    if (maxFiles !== undefined) this.maxFiles = Math.max(1, maxFiles);
    if (maxTotalBytes !== undefined) this.maxTotalBytes = maxTotalBytes;
    if (maxAgeMs !== undefined) this.maxAgeMs = maxAgeMs;
  }

  /** The file of a run's first launch: kept while later launches of the run come and go. */
  pin(path: string): void {
    this.pinned = path;
  }

  /** Bytes known to be in `path` (0 for a file not tracked): a reopened file continues from them. */
  bytesOf(path: string): number {
    return this.files.find((file) => file.path === path)?.bytes ?? 0;
  }

  /**
   * A file this writer opened (it may not exist on disk yet), and again with its whole size when
   * it closes. Two launches in one second share a file, so a reopening keeps the size it had.
   */
  track(path: string, bytes?: number, closed?: Promise<void>): void {
    const known = this.files.find((file) => file.path === path);
    if (known) {
      if (bytes !== undefined) known.bytes = bytes;
      known.writtenAt = this.now();
      if (closed) known.closed = closed;
      return;
    }
    const match = this.match(path.slice(this.dir.length + 1));
    if (match) this.files.push({ path, ...match, bytes: bytes ?? 0, writtenAt: this.now(), closed: closed ?? Promise.resolve() });
  }

  /** Deletes the oldest files beyond the limits, never the current one, the newest nor the pinned one. */
  enforce(): Promise<void> {
    this.chain = this.chain.then(async () => {
      await this.scan();
      const current = this.current();
      let count = this.files.length;
      let bytes = this.files.reduce((sum, file) => sum + file.bytes, 0);
      const victims: TrackedFile[] = [];
      const oldest = this.now() - this.maxAgeMs;
      for (const file of this.files.slice(0, -1)) {
        if (count <= this.maxFiles && bytes <= this.maxTotalBytes && file.writtenAt >= oldest) break;
        if (file.path === current || file.path === this.pinned) continue;
        victims.push(file);
        count--;
        bytes -= file.bytes;
      }
      this.files = this.files.filter((file) => !victims.includes(file));
      await Promise.all(victims.map((file) => file.closed.then(() => unlink(file.path)).catch(() => {})));
    });
    return this.chain;
  }

  private match(fileName: string): { stamp: string; part: number } | null {
    const match = FILE_PATTERN.exec(fileName);
    return match && match[1] === this.name ? { stamp: match[2], part: Number(match[3] ?? 0) } : null;
  }

  private async scan(): Promise<void> {
    if (this.scanned) return;
    this.scanned = true;
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return; // the writer reports a folder it cannot use
    }
    for (const name of names) {
      const path = join(this.dir, name);
      const match = this.match(name);
      if (!match || this.files.some((file) => file.path === path)) continue;
      const info = await stat(path).catch(() => null);
      this.files.push({ path, ...match, bytes: info?.size ?? 0, writtenAt: info?.mtimeMs ?? this.now(), closed: Promise.resolve() });
    }
    this.files.sort((a, b) => (a.stamp === b.stamp ? a.part - b.part : a.stamp < b.stamp ? -1 : 1));
  }
}
