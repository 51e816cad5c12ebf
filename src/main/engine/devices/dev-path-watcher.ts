// Watches the device root for the entries `requires_devices` names (udev symlinks such as
// `/dev/gradi-cam`, `/dev/serial/by-id/usb-Arduino*`) appearing and vanishing, as Gradi's
// pyudev loop did (seed 002), but from the filesystem so it works wherever a path does.
//
// What is watched, recomputed after every event:
// - each requirement's directory, or its nearest existing ancestor while it does not exist
//   yet (creating `serial/by-id` shows up as an event there), so no polling is needed for it;
// - the directory of each symlink's target, because a link whose target vanished counts as
//   missing and that change happens in the target's directory, not the link's.
// A directory fs.watch refuses (inotify limits, odd filesystems) is read every
// `pollIntervalMs` instead; one timer serves all of them, and none runs while watching works.
import { existsSync, lstatSync, readdirSync, readlinkSync, statSync, watch, type FSWatcher } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { DeviceRequirement } from '../config/manifest-types';
import type { DeviceSource, PresentDevice, SourceStatus } from './device-source';
import { PathPattern } from './path-pattern';

export interface DevPathWatcherOptions {
  /** Where `/dev/...` requirements are looked up; tests use a temp dir. */
  root?: string;
  pollIntervalMs?: number;
  /** Read directories every interval and never use fs.watch (filesystems without inotify, tests). */
  forcePolling?: boolean;
}

interface WatchedDir {
  watcher: FSWatcher;
  /** A directory deleted and made again is a new inode the old watch no longer sees. */
  ino: number;
}

export class DevPathWatcher implements DeviceSource {
  readonly kind = 'path' as const;
  private readonly root: string;
  private readonly pollIntervalMs: number;
  private readonly forcePolling: boolean;
  private patterns: PathPattern[] = [];
  private present: string[] = [];
  private targetDirs = new Set<string>();
  private readonly watched = new Map<string, WatchedDir>();
  private readonly unwatchable = new Set<string>();
  private pollTimer: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<() => void>();
  private started = false;
  private closed = false;

  constructor({ root = '/dev', pollIntervalMs = 1000, forcePolling = false }: DevPathWatcherOptions = {}) {
    this.root = resolve(root);
    this.pollIntervalMs = pollIntervalMs;
    this.forcePolling = forcePolling;
  }

  async start(): Promise<void> {
    this.started = true;
    this.refresh();
  }

  setRequirements(requirements: DeviceRequirement[]): void {
    const paths = new Set<string>();
    for (const requirement of requirements) if (requirement.kind === 'path') paths.add(requirement.path);
    this.patterns = [...paths].map((path) => new PathPattern(path, this.root));
    this.targetDirs.clear();
    this.refresh();
  }

  devices(): PresentDevice[] {
    return this.present.map((path) => ({ kind: 'path', path }));
  }

  rescan(): void {
    this.refresh();
  }

  status(): SourceStatus {
    if (!this.started) return { state: 'starting' };
    return this.unwatchable.size > 0 ? { state: 'ready', polling: [...this.unwatchable].sort() } : { state: 'ready' };
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const { watcher } of this.watched.values()) watcher.close();
    this.watched.clear();
    this.unwatchable.clear();
    this.stopPolling();
    this.listeners.clear();
  }

  /** Watch first, then read: an entry created in between is seen by the read or by the watch. */
  private refresh(): void {
    if (!this.started || this.closed) return;
    const pollingBefore = this.unwatchable.size;
    this.syncWatchers();
    let scan = this.scan();
    if (!sameSet(scan.targetDirs, this.targetDirs)) {
      this.targetDirs = scan.targetDirs;
      this.syncWatchers();
      scan = this.scan();
    }
    this.syncPolling();
    const changed = !sameList(scan.present, this.present) || pollingBefore !== this.unwatchable.size;
    this.present = scan.present;
    if (changed) for (const listener of this.listeners) listener();
  }

  private scan(): { present: string[]; targetDirs: Set<string> } {
    const present = new Set<string>();
    const targetDirs = new Set<string>();
    const listings = new Map<string, string[]>();
    for (const pattern of this.patterns) {
      let names = [pattern.name];
      if (pattern.isGlob) {
        if (!listings.has(pattern.fsDir)) listings.set(pattern.fsDir, readNames(pattern.fsDir));
        names = listings.get(pattern.fsDir)!.filter((name) => pattern.matchesName(name));
      }
      for (const name of names) {
        const fsPath = join(pattern.fsDir, name);
        const stats = quietly(() => lstatSync(fsPath, { throwIfNoEntry: false }));
        if (!stats) continue;
        if (stats.isSymbolicLink()) {
          try {
            targetDirs.add(dirname(resolve(pattern.fsDir, readlinkSync(fsPath))));
          } catch {
            // Removed between lstat and readlink: the next event reports it.
          }
        }
        if (existsSync(fsPath)) present.add(`${pattern.dir}/${name}`);
      }
    }
    return { present: [...present].sort(), targetDirs };
  }

  private neededDirs(): Set<string> {
    const dirs = new Set<string>();
    for (const pattern of this.patterns) dirs.add(nearestDirectory(pattern.fsDir));
    for (const dir of this.targetDirs) dirs.add(nearestDirectory(dir));
    return dirs;
  }

  private syncWatchers(): void {
    const needed = this.neededDirs();
    for (const [dir, { watcher }] of this.watched) {
      if (needed.has(dir)) continue;
      watcher.close();
      this.watched.delete(dir);
    }
    for (const dir of this.unwatchable) if (!needed.has(dir)) this.unwatchable.delete(dir);
    for (const dir of needed) {
      const ino = quietly(() => statSync(dir, { throwIfNoEntry: false }))?.ino ?? -1;
      const current = this.watched.get(dir);
      if (current && current.ino === ino) continue;
      current?.watcher.close();
      this.watched.delete(dir);
      if (this.forcePolling) {
        this.unwatchable.add(dir);
        continue;
      }
      try {
        const watcher = watch(dir, () => this.refresh());
        watcher.on('error', () => {
          // The kernel dropped the watch (directory gone, queue overflow): read it by polling.
          watcher.close();
          if (this.watched.get(dir)?.watcher === watcher) this.watched.delete(dir);
          this.unwatchable.add(dir);
          this.syncPolling();
        });
        this.watched.set(dir, { watcher, ino });
        this.unwatchable.delete(dir);
      } catch {
        this.unwatchable.add(dir);
      }
    }
  }

  private syncPolling(): void {
    if (this.closed) return;
    if (this.unwatchable.size > 0 && !this.pollTimer) {
      this.pollTimer = setInterval(() => this.refresh(), this.pollIntervalMs);
      this.pollTimer.unref();
    } else if (this.unwatchable.size === 0) this.stopPolling();
  }

  private stopPolling(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
  }
}

function readNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function nearestDirectory(path: string): string {
  let current = path;
  for (;;) {
    if (quietly(() => statSync(current, { throwIfNoEntry: false }))?.isDirectory()) return current;
    const parent = dirname(current);
    if (parent === current) return current;
    current = parent;
  }
}

/** Missing, not a directory, no permission: all mean "not there" to a presence check. */
function quietly<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((item) => b.has(item));
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}
