import { useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import { closeConfirm, confirmStore } from './confirm-store';

/** A modal question: Enter confirms (the confirm button has focus), Escape cancels. */
export function ConfirmDialog() {
  const request = useStore(confirmStore, (state) => state.request);
  const dialog = useRef<HTMLDialogElement>(null);
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (request && !element.open) {
      element.showModal();
      confirm.current?.focus();
    } else if (!request && element.open) element.close();
  }, [request]);
  return (
    <dialog
      ref={dialog}
      className="confirm"
      aria-label={request?.title}
      onCancel={(event) => {
        // Escape: the browser would close the dialog by itself; close through the store instead.
        event.preventDefault();
        closeConfirm(false);
      }}
    >
      {request && (
        <form
          method="dialog"
          onSubmit={(event) => {
            event.preventDefault();
            closeConfirm(true);
          }}
        >
          <h2>{request.title}</h2>
          <p>{request.message}</p>
          <div className="confirm-actions">
            <button type="button" onClick={() => closeConfirm(false)}>
              Cancel
            </button>
            <button type="submit" className="confirm-go" ref={confirm}>
              {request.confirmLabel}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
