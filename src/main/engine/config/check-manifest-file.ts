// `showrunner check FILE` (ARCHITECTURE.md §8): exit 0 and `FILE: ok (N services)` when valid
// (silence read like nothing happened), else 1 and one `FILE:LINE:COL: FIELD: message` line per
// problem. The CLI prints the lines and exits.
import { formatProblem } from './format-problem';
import { loadManifest } from './load-manifest';
import type { ManifestLoadOptions } from './parse-manifest';
import { plural } from '../../../shared/plural';

export interface CheckResult {
  exitCode: 0 | 1;
  lines: string[];
}

export async function checkManifestFile(file: string, options: ManifestLoadOptions = {}): Promise<CheckResult> {
  const result = await loadManifest(file, options);
  return result.ok
    ? { exitCode: 0, lines: [`${file}: ok (${plural(result.manifest.services.length, 'service')})`] }
    : { exitCode: 1, lines: result.problems.map(formatProblem) };
}
