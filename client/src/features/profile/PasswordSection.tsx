import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { MIN_PASSWORD_LENGTH } from '../auth/SignUpPage.tsx';
import { rules, useForm } from '../../forms/useForm.ts';
import { UserPasswordChangeDocument } from '../../graphql/__generated__/operations.ts';
import { useFormat } from '../../i18n/format.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Button } from '../../ui/Button.tsx';
import { TextField } from '../../ui/Field.tsx';

/** A new password, checked against the current one by the server; every other session ends. */
export function PasswordSection() {
  const { t } = useTranslation();
  const format = useFormat();
  const [changePassword] = useMutation(UserPasswordChangeDocument);
  const [signedOut, setSignedOut] = useState<number | null>(null);
  const form = useForm({
    initial: { currentPassword: '', newPassword: '', repeatPassword: '' },
    validate: (values) => ({
      ...(!rules.required(values.currentPassword) ? { currentPassword: t('profile:password.currentRequired') } : {}),
      ...(!rules.minLength(values.newPassword, MIN_PASSWORD_LENGTH)
        ? { newPassword: t('forms:passwordLength', { count: MIN_PASSWORD_LENGTH }) }
        : values.newPassword === values.currentPassword
          ? { newPassword: t('profile:password.same') }
          : {}),
      ...(values.repeatPassword !== values.newPassword ? { repeatPassword: t('profile:password.mismatch') } : {}),
    }),
    async submit(values) {
      const { data } = await changePassword({ variables: { input: { currentPassword: values.currentPassword, newPassword: values.newPassword } } });
      const payload = data?.userPasswordChange;
      if (payload && payload.userErrors.length === 0) {
        setSignedOut(payload.revokedSessions ?? 0);
        form.reset();
      }
      return payload?.userErrors;
    },
  });
  return (
    <section className="card" aria-labelledby="profile-password">
      <h2 id="profile-password">{t('profile:password.title')}</h2>
      <p className="muted">{t('profile:password.intro')}</p>
      {signedOut !== null && (
        <Alert tone="success">{t('profile:password.changed', { count: signedOut, formatted: format.number(signedOut) })}</Alert>
      )}
      {form.formError && <Alert>{form.formError}</Alert>}
      <form
        {...form.formProps}
        onSubmit={(event: FormEvent) => {
          setSignedOut(null);
          form.formProps.onSubmit(event);
        }}
      >
        <TextField label={t('profile:password.current')} type="password" autoComplete="current-password" required {...form.field('currentPassword')} />
        <TextField
          label={t('profile:password.new')}
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          hint={t('profile:password.newHint', { count: MIN_PASSWORD_LENGTH })}
          {...form.field('newPassword')}
        />
        <TextField label={t('profile:password.repeat')} type="password" autoComplete="new-password" required {...form.field('repeatPassword')} />
        <div className="actions">
          <Button type="submit" busy={form.submitting}>
            {t('profile:password.submit')}
          </Button>
        </div>
      </form>
    </section>
  );
}
