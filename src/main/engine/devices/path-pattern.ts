// One `requires_devices` path (§8), maybe with a glob in its last segment (`/dev/gradi-cam*`,
// `/dev/serial/by-id/usb-Arduino*`), and where it lives on disk: requirements always say
// `/dev/...`, while the watcher's root may be a temp dir in tests (`/dev/gradi-cam` with root
// `/tmp/x` is `/tmp/x/gradi-cam`). Globs stop at the last segment so one directory per
// requirement is enough to watch.
import { posix } from 'node:path';
import { GlobMatcher } from './glob-matcher';

const DEV = '/dev';
const GLOB_CHARS = /[*?[]/;

export class PathPattern {
  /** Normalized, in requirement terms (`/dev/...`). */
  readonly path: string;
  /** The directory the entries live in, in requirement terms. */
  readonly dir: string;
  /** The same directory on disk, under the watcher's root. */
  readonly fsDir: string;
  /** The last segment, maybe a glob. */
  readonly name: string;
  readonly isGlob: boolean;
  /** Set when the pattern cannot work as written (a glob in a directory part). */
  readonly problem: string | null;
  private readonly nameGlob: GlobMatcher | null;

  constructor(requirementPath: string, root = DEV) {
    this.path = normalizeDevicePath(requirementPath);
    this.dir = posix.dirname(this.path);
    this.name = posix.basename(this.path);
    this.fsDir = toRootPath(this.dir, root);
    this.isGlob = GLOB_CHARS.test(this.name);
    this.nameGlob = this.isGlob ? new GlobMatcher(this.name) : null;
    this.problem = GLOB_CHARS.test(this.dir)
      ? `${this.path}: globs are only supported in the last path segment`
      : null;
  }

  matchesName(name: string): boolean {
    return this.nameGlob ? this.nameGlob.matches(name) : name === this.name;
  }

  /** Whether a present path (requirement terms) satisfies this pattern. */
  matches(path: string): boolean {
    return posix.dirname(path) === this.dir && this.matchesName(posix.basename(path));
  }
}

/** `gradi-cam` and `/dev//gradi-cam/` both mean `/dev/gradi-cam`. */
export function normalizeDevicePath(path: string): string {
  const absolute = path.startsWith('/') ? path : `${DEV}/${path}`;
  const normalized = posix.normalize(absolute);
  return normalized.length > 1 && normalized.endsWith('/') ? normalized.slice(0, -1) : normalized;
}

function toRootPath(path: string, root: string): string {
  const normalizedRoot = posix.normalize(root);
  if (normalizedRoot === DEV) return path;
  if (path === DEV) return normalizedRoot;
  if (path.startsWith(`${DEV}/`)) return posix.join(normalizedRoot, path.slice(DEV.length + 1));
  // Paths outside /dev (`/run/...`) are looked up where they are, whatever the root.
  return path;
}
