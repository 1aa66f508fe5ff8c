import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../auth/AuthProvider.tsx';
import { Button } from '../../ui/Button.tsx';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';

/** Ends every session of the user, this one too, after asking. */
export function SessionsSection() {
  const { t } = useTranslation();
  const { signOut } = useAuth();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  return (
    <section className="card" aria-labelledby="profile-sessions">
      <h2 id="profile-sessions">{t('profile:sessions.title')}</h2>
      <p className="muted">{t('profile:sessions.description')}</p>
      <Button variant="danger" onClick={() => setConfirming(true)}>
        {t('profile:sessions.logOutEverywhere')}
      </Button>
      <ConfirmDialog
        open={confirming}
        title={t('profile:sessions.confirmTitle')}
        confirmLabel={t('profile:sessions.confirm')}
        busy={busy}
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setBusy(true);
          // signOut ends the session here even when the server cannot be reached; the app then shows the log-in page.
          void signOut({ everywhere: true }).finally(() => setBusy(false));
        }}
      >
        <p>{t('profile:sessions.confirmText')}</p>
      </ConfirmDialog>
    </section>
  );
}
