import type { Notice } from '../../../../shared/model';

/**
 * The notices worth a strip: the latest of each id (a later notice with the same id replaces
 * the earlier one, so "connection lost" gives way to "reconnected"), without info-level ones,
 * which would otherwise sit on every view after the thing they report is over.
 */
export function currentNotices(notices: readonly Notice[]): Notice[] {
  const latest = new Map<string, Notice>();
  for (const notice of notices) {
    latest.delete(notice.id);
    latest.set(notice.id, notice);
  }
  return [...latest.values()].filter((notice) => notice.level !== 'info');
}
