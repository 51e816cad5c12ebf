import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useSystem } from '../../store/store-context';
import { currentNotices } from './current-notices';

/** Things the engine wants the operator to know once (USB unavailable, logs in memory only). */
export function NoticeStrip() {
  const notices = useSystem(useShallow((state) => currentNotices(state.notices)));
  const [dismissed, setDismissed] = useState<Set<string>>(new Set());
  const shown = notices.filter((notice) => !dismissed.has(`${notice.id}@${notice.at}`));
  if (shown.length === 0) return null;
  return (
    <section className="notices" aria-label="Notices">
      {shown.map((notice) => (
        <div key={notice.id} className={`notice notice-${notice.level}`} role="status">
          <span>{notice.message}</span>
          <button
            type="button"
            aria-label={`Dismiss: ${notice.message}`}
            onClick={() => setDismissed(new Set([...dismissed, `${notice.id}@${notice.at}`]))}
          >
            ×
          </button>
        </div>
      ))}
    </section>
  );
}
