// Process names become folder and file names (ARCHITECTURE.md §8): `monitor:my doc` →
// `monitor-my_doc`. Only characters safe on every filesystem survive, and a name can never
// climb out of the log directory. Two names that differ only in replaced characters share a
// folder; service names are identifiers in practice, so we accept that rather than add hashes.
const MAX_LENGTH = 120;

export function logDirName(process: string): string {
  const safe = process
    .replace(/:/g, '-')
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^\.+/, (dots) => '_'.repeat(dots.length))
    .slice(0, MAX_LENGTH);
  return safe === '' ? '_' : safe;
}
