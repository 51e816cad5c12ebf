import { useSystem } from '../../store/store-context';

export function Toasts() {
  const toasts = useSystem((state) => state.toasts);
  const dismiss = useSystem((state) => state.dismissToast);
  return (
    <div className="toasts" aria-live="assertive">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast toast-${toast.level}`} role="alert">
          <span>{toast.message}</span>
          <button type="button" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
