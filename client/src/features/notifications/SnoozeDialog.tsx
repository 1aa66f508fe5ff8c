import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format.ts';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { snoozePresets } from './notifications.ts';

interface SnoozeDialogProps {
  /** How many notifications it snoozes; 0 keeps it closed. */
  count: number;
  busy: boolean;
  /** A problem from the last attempt, shown in the dialog. */
  problem: string | null;
  onSnooze(until: Date): void;
  onCancel(): void;
}

/** `<input type="datetime-local">` wants local time without a zone: 2025-03-01T09:00. */
function localInputValue(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Asks until when: a few presets in the user's own time, or a moment of their choosing. */
export function SnoozeDialog({ count, busy, problem, onSnooze, onCancel }: SnoozeDialogProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useId();
  const open = count > 0;
  // The presets are fixed when the dialog opens, so "in 1 hour" means what the user read.
  const presets = useMemo(() => (open ? snoozePresets() : []), [open]);
  const [choice, setChoice] = useState<string>('tomorrow');
  const [custom, setCustom] = useState('');
  const [invalid, setInvalid] = useState(false);

  function confirm() {
    if (choice !== 'custom') {
      const preset = presets.find((candidate) => candidate.key === choice);
      if (preset) onSnooze(preset.until);
      return;
    }
    const until = new Date(custom);
    if (!custom || Number.isNaN(until.getTime()) || until.getTime() <= Date.now()) {
      setInvalid(true);
      document.getElementById(`${id}-custom`)?.focus();
      return;
    }
    setInvalid(false);
    onSnooze(until);
  }

  return (
    <ConfirmDialog
      open={open}
      title={t('notifications:snooze.title', { count })}
      confirmLabel={t('notifications:snooze.confirm')}
      tone="primary"
      busy={busy}
      onConfirm={confirm}
      onCancel={() => {
        setInvalid(false);
        onCancel();
      }}
    >
      {problem && (
        <p className="field__error" role="alert">
          {problem}
        </p>
      )}
      <fieldset className="snooze-options">
        <legend>{t('notifications:snooze.until')}</legend>
        {presets.map((preset) => (
          <label key={preset.key} className="checkbox">
            <input type="radio" name={`${id}-until`} value={preset.key} checked={choice === preset.key} onChange={() => setChoice(preset.key)} />
            <span>
              {t(`notifications:snooze.presets.${preset.key}`)} <span className="muted">({format.dateTime(preset.until)})</span>
            </span>
          </label>
        ))}
        <label className="checkbox">
          <input type="radio" name={`${id}-until`} value="custom" checked={choice === 'custom'} onChange={() => setChoice('custom')} />
          <span>{t('notifications:snooze.presets.custom')}</span>
        </label>
        {choice === 'custom' && (
          <div className={`field${invalid ? ' field--invalid' : ''}`}>
            <label htmlFor={`${id}-custom`}>{t('notifications:snooze.customLabel')}</label>
            <input
              id={`${id}-custom`}
              type="datetime-local"
              value={custom}
              min={localInputValue(new Date())}
              aria-invalid={invalid || undefined}
              aria-describedby={invalid ? `${id}-custom-error` : undefined}
              onChange={(event) => setCustom(event.target.value)}
            />
            {invalid && (
              <p className="field__error" id={`${id}-custom-error`}>
                {t('notifications:snooze.customInvalid')}
              </p>
            )}
          </div>
        )}
      </fieldset>
    </ConfirmDialog>
  );
}
