// Watches services.toml and re-loads it on change (ARCHITECTURE.md §8): a valid change comes
// back with its diff against the last valid manifest, an invalid one with its problems and
// nothing else, so the caller keeps running what it has.
//
// We watch the folder, not the file: editors save by writing a temp file and renaming it over
// the old one, which leaves a watch on the old inode deaf. Bursts of events from one save are
// debounced. Where fs.watch is unavailable or fails (inotify limits, some network mounts) we
// poll with fs.watchFile.
import { lstatSync, unwatchFile, watch, watchFile, type FSWatcher, type Stats } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { ManifestProblem } from '../../../shared/model';
import { diffServices, type ServiceDiff } from './diff-services';
import type { Manifest } from './manifest-types';
import { parseManifestSources, readManifestSources } from './load-manifest';
import { overlayPath } from './overlay-path';
import type { ManifestLoadOptions } from './parse-manifest';

export type ManifestChange =
  | { ok: true; manifest: Manifest; diff: ServiceDiff }
  | { ok: false; problems: ManifestProblem[] };

export interface ManifestWatcherOptions {
  file: string;
  /** The manifest in force, which the first diff is taken against; null when none loaded. */
  manifest: Manifest | null;
  /** The options the manifest was loaded with (`--services`, `--testing`, ...), reused. */
  load?: ManifestLoadOptions;
  onChange: (change: ManifestChange) => void;
  debounceMs?: number;
  /** Poll from the start instead of trying fs.watch. */
  poll?: boolean;
  pollIntervalMs?: number;
}

export class ManifestWatcher {
  private readonly file: string;
  private current: Manifest | null;
  private lastText: string | undefined;
  private watcher: FSWatcher | undefined;
  private polling = false;
  private timer: NodeJS.Timeout | undefined;
  /** Loads run one at a time, in order, so diffs chain from one valid manifest to the next. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: ManifestWatcherOptions) {
    this.file = resolve(options.file);
    this.current = options.manifest;
    // A folder watch sees a symlink replaced, not its target edited; polling stats the target.
    if (options.poll || isSymlink(this.file)) this.startPolling();
    else this.startWatching();
  }

  /** The last valid manifest seen. */
  get manifest(): Manifest | null {
    return this.current;
  }

  /**
   * Re-read now (the `manifest.reload` method), through the same path as a change on disk:
   * `onChange` hears it and the next diff starts from it. Null once closed.
   */
  reload(): Promise<ManifestChange | null> {
    return this.enqueue(true);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
    if (this.polling) {
      unwatchFile(this.file, this.onPoll);
      unwatchFile(overlayPath(this.file), this.onPoll);
    }
    this.polling = false;
  }

  private startWatching(): void {
    const name = basename(this.file);
    // The API's overlay is part of the manifest (issue 17): an operator's edit to it applies too.
    const overlayName = basename(overlayPath(this.file));
    try {
      this.watcher = watch(dirname(this.file), { persistent: false }, (_event, filename) => {
        if (!filename || filename === name || filename === overlayName) this.schedule();
      });
      this.watcher.on('error', () => {
        this.watcher?.close();
        this.watcher = undefined;
        if (!this.closed) this.startPolling();
      });
    } catch {
      this.startPolling();
    }
  }

  private startPolling(): void {
    if (this.polling) return;
    this.polling = true;
    watchFile(this.file, { persistent: false, interval: this.options.pollIntervalMs ?? 500 }, this.onPoll);
    watchFile(overlayPath(this.file), { persistent: false, interval: this.options.pollIntervalMs ?? 500 }, this.onPoll);
  }

  private readonly onPoll = (now: Stats, before: Stats): void => {
    if (now.mtimeMs !== before.mtimeMs || now.size !== before.size || now.ino !== before.ino) this.schedule();
  };

  private schedule(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.enqueue(false), this.options.debounceMs ?? 150);
  }

  private enqueue(force: boolean): Promise<ManifestChange | null> {
    const run = this.queue.then(() => this.load(force));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async load(force: boolean): Promise<ManifestChange | null> {
    if (this.closed) return null;
    const read = await readManifestSources(this.options.file);
    if (this.closed) return null;
    // A touch, or a second write event of the same save: nothing to tell.
    const text = read.ok ? `${read.text}\u0000${read.overlay?.text ?? ''}` : undefined;
    if (!force && text !== undefined && text === this.lastText) return null;
    this.lastText = text;
    const result = parseManifestSources(read, this.options.file, this.options.load);
    const change = result.ok ? this.accept(result.manifest) : { ok: false as const, problems: result.problems };
    this.report(change);
    return change;
  }

  private accept(manifest: Manifest): ManifestChange {
    const previous = this.current ?? { ...manifest, services: [], sync: undefined, monitors: undefined };
    this.current = manifest;
    return { ok: true, manifest, diff: diffServices(previous.services, manifest.services) };
  }

  private report(change: ManifestChange): void {
    try {
      this.options.onChange(change);
    } catch (error) {
      // The caller's bug must not stop the watching, nor crash the daemon from a timer.
      console.error('manifest watcher: onChange threw', error);
    }
  }
}

function isSymlink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}
