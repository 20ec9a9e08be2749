import { useEffect, type ReactNode } from 'react';

/** A modal confirmation: Escape or the backdrop cancels. */
export function ConfirmDialog({ title, children, confirmLabel, busy, error, onConfirm, onCancel, confirmTestId }: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busy: boolean;
  error: string | null;
  onConfirm: () => void;
  onCancel: () => void;
  confirmTestId?: string;
}) {
  useEscape(onCancel);
  return (
    <div className="modal-backdrop" onClick={onCancel}>
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby="confirm-dialog-title" onClick={(event) => event.stopPropagation()}>
        <h2 id="confirm-dialog-title" className="modal-title">
          {title}
        </h2>
        <div className="modal-body">{children}</div>
        {error ? (
          <div className="form-error" role="alert" data-testid="route-change-error">
            {error}
          </div>
        ) : null}
        <div className="modal-actions">
          <button type="button" className="button" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          <button type="button" className="button button-primary" onClick={onConfirm} disabled={busy} data-testid={confirmTestId} autoFocus>
            {busy ? 'Saving…' : confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}

/** A panel sliding in from the right, over the page; Escape or the close button closes it. */
export function SidePanel({ title, onClose, children }: { title: ReactNode; onClose: () => void; children: ReactNode }) {
  useEscape(onClose);
  return (
    <div className="side-panel-backdrop" onClick={onClose}>
      <aside className="side-panel" role="dialog" aria-modal="true" onClick={(event) => event.stopPropagation()} data-testid="side-panel">
        <header className="side-panel-header">
          <div className="side-panel-title">{title}</div>
          <button type="button" className="icon-button" onClick={onClose} aria-label="Close">
            ×
          </button>
        </header>
        <div className="side-panel-body">{children}</div>
      </aside>
    </div>
  );
}

function useEscape(onEscape: () => void) {
  useEffect(() => {
    const listener = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onEscape();
    };
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, [onEscape]);
}
