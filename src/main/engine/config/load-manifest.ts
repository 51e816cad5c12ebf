// Reads services.toml (and the API's overlay beside it, when there is one) from disk and parses
// them; reading problems (missing file, bad bytes) come back as problems like any other.
import { lstat } from 'node:fs/promises';
import type { ManifestProblem } from '../../../shared/model';
import type { LoadResult } from './manifest-types';
import { overlayPath } from './overlay-path';
import { parseManifest, type ManifestLoadOptions, type OverlaySource } from './parse-manifest';
import { readManifestText } from './read-manifest-text';

export type ManifestSources = { ok: true; text: string; overlay?: OverlaySource } | { ok: false; problem: ManifestProblem };

export async function readManifestSources(file: string): Promise<ManifestSources> {
  const read = await readManifestText(file);
  if (!read.ok) return read;
  const overlayFile = overlayPath(file);
  const exists = await lstat(overlayFile).then(
    () => true,
    (error: NodeJS.ErrnoException) => error.code !== 'ENOENT',
  );
  if (!exists) return { ok: true, text: read.text };
  const overlay = await readManifestText(overlayFile);
  return overlay.ok ? { ok: true, text: read.text, overlay: { file: overlayFile, text: overlay.text } } : overlay;
}

export function parseManifestSources(sources: ManifestSources, file: string, options: ManifestLoadOptions = {}): LoadResult {
  return sources.ok ? parseManifest(sources.text, file, options, sources.overlay) : { ok: false, problems: [sources.problem] };
}

export async function loadManifest(file: string, options: ManifestLoadOptions = {}): Promise<LoadResult> {
  return parseManifestSources(await readManifestSources(file), file, options);
}
