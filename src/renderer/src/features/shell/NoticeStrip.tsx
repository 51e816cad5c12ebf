import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useSystem } from '../../store/store-context';
import { currentNotices } from './current-notices';

// Remembered in this browser: a dismissed notice stays dismissed across reloads, until the
// engine raises it again (a new time makes a new key).
const STORAGE_KEY = 'showrunner.dismissedNotices';
const readDismissed = () => {
  try {
    return new Set<string>(JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]') as string[]);
  } catch {
    return new Set<string>();
  }
};

/** Things the engine wants the operator to know once (USB unavailable, logs in memory only). */
export function NoticeStrip() {
  const notices = useSystem(useShallow((state) => currentNotices(state.notices)));
  const [dismissed, setDismissed] = useState<Set<string>>(readDismissed);
  const dismiss = (key: string) => {
    const next = new Set([...dismissed, key]);
    localStorage.setItem(STORAGE_KEY, JSON.stringify([...next].slice(-100)));
    setDismissed(next);
  };
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
            onClick={() => dismiss(`${notice.id}@${notice.at}`)}
          >
            ×
          </button>
        </div>
      ))}
    </section>
  );
}
