import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../ui/Button.tsx';
import { CopyButton } from '../../ui/CopyButton.tsx';
import type { CreatedKey } from './CreateApiKeyForm.tsx';

/** The one time a key's secret is shown. It takes focus when it appears, so nobody misses it. */
export function NewApiKeySecret({ created, onDone }: { created: CreatedKey; onDone(): void }) {
  const { t } = useTranslation();
  const id = useId();
  const region = useRef<HTMLElement>(null);
  useEffect(() => {
    region.current?.focus();
  }, [created]);
  return (
    <section className="card new-secret" aria-labelledby={`${id}-title`} tabIndex={-1} ref={region}>
      <h2 id={`${id}-title`}>{t('apiKeys:secret.title')}</h2>
      <p>{t('apiKeys:secret.intro', { name: created.name })}</p>
      <code className="secret">{created.secret}</code>
      <p className="new-secret__warning">{t('apiKeys:secret.warning')}</p>
      <p>
        {t('apiKeys:secret.usage')} <code>Authorization: Bearer &lt;{t('apiKeys:secret.placeholder')}&gt;</code>
      </p>
      <div className="actions">
        <CopyButton value={created.secret} label={t('apiKeys:secret.copy')} />
        <Button variant="secondary" onClick={onDone}>
          {t('apiKeys:secret.done')}
        </Button>
      </div>
    </section>
  );
}
