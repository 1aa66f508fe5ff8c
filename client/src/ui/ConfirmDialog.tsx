import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from './Button.tsx';

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  /** The label of the button that closes without acting; default "Cancel". */
  cancelLabel?: string;
  /** Keeps the confirm button from acting, e.g. while what it would confirm is not known yet. */
  confirmDisabled?: boolean;
  tone?: 'danger' | 'primary';
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
}

/** A modal built on <dialog>: focus moves in, Escape cancels, focus returns to the opener. */
export function ConfirmDialog({ open, title, children, confirmLabel, cancelLabel, confirmDisabled, tone = 'danger', busy, onConfirm, onCancel }: ConfirmDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const { t } = useTranslation();
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) {
      if (typeof element.showModal === 'function') element.showModal();
      else element.setAttribute('open', '');
    } else if (!open && element.open) {
      if (typeof element.close === 'function') element.close();
      else element.removeAttribute('open');
    }
  }, [open]);
  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby="confirm-dialog-title"
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      {open && (
        <>
          <h2 id="confirm-dialog-title">{title}</h2>
          {children}
          <div className="dialog__actions">
            <Button variant="secondary" onClick={onCancel} disabled={busy}>
              {cancelLabel ?? t('common:cancel')}
            </Button>
            <Button variant={tone} onClick={onConfirm} busy={busy} disabled={confirmDisabled}>
              {confirmLabel}
            </Button>
          </div>
        </>
      )}
    </dialog>
  );
}
