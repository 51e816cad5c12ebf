// Reads services.toml from disk and parses it; reading problems (missing file, bad bytes) come
// back as problems like any other.
import type { LoadResult } from './manifest-types';
import { parseManifest, type ManifestLoadOptions } from './parse-manifest';
import { readManifestText } from './read-manifest-text';

export async function loadManifest(file: string, options: ManifestLoadOptions = {}): Promise<LoadResult> {
  const read = await readManifestText(file);
  return read.ok ? parseManifest(read.text, file, options) : { ok: false, problems: [read.problem] };
}
