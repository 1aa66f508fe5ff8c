import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from './Button.tsx';

/** Copies a value to the clipboard and says so, in a live region. */
export function CopyButton({ value, label }: { value: string; label?: string }) {
  const { t } = useTranslation();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      setState('failed');
    }
  }
  return (
    <span className="copy-button">
      <Button variant="secondary" onClick={() => void copy()}>
        {label ?? t('common:copy')}
      </Button>
      <span role="status" className="copy-button__status">
        {state === 'copied' ? t('common:copied') : state === 'failed' ? t('common:copyFailed') : ''}
      </span>
    </span>
  );
}
