// The one line `showrunner check` prints per problem; editors and CI jump to FILE:LINE:COL.
import type { ManifestProblem } from '../../../shared/model';

export function formatProblem(problem: ManifestProblem): string {
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.field}: ${problem.message}`;
}
