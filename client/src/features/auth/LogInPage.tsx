import { useMutation } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { useAuth } from '../../auth/AuthProvider.tsx';
import { useForm, rules } from '../../forms/useForm.ts';
import { LogInDocument } from '../../graphql/__generated__/operations.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Button } from '../../ui/Button.tsx';
import { TextField } from '../../ui/Field.tsx';
import { PageHeader } from '../../ui/PageHeader.tsx';

export function LogInPage() {
  const { t } = useTranslation();
  const { signIn } = useAuth();
  const location = useLocation();
  const params = new URLSearchParams(location.search);
  const [logIn] = useMutation(LogInDocument);
  const form = useForm({
    initial: { email: '', password: '' },
    validate: (values) => ({
      ...(!rules.email(values.email) ? { email: t('forms:email') } : {}),
      ...(!rules.required(values.password) ? { password: t('forms:passwordRequired') } : {}),
    }),
    async submit(values) {
      const { data } = await logIn({ variables: { input: { email: values.email.trim(), password: values.password } } });
      const payload = data?.sessionCreate;
      // The lockout message names the wait; it is shown as the server gives it.
      if (payload?.session) await signIn(payload.session);
      return payload?.userErrors;
    },
  });
  const signUpLink = `/sign-up${location.search}`;
  return (
    <section className="card card--narrow">
      <PageHeader title={t('auth:logIn.title')} />
      {params.get('expired') === '1' && <Alert tone="info">{t('auth:logIn.expired')}</Alert>}
      {form.formError && <Alert>{form.formError}</Alert>}
      <form {...form.formProps}>
        <TextField label={t('auth:fields.email')} type="email" autoComplete="email" required {...form.field('email')} />
        <TextField label={t('auth:fields.password')} type="password" autoComplete="current-password" required {...form.field('password')} />
        <Button type="submit" busy={form.submitting}>
          {form.submitting ? t('auth:logIn.submitting') : t('auth:logIn.submit')}
        </Button>
      </form>
      <p>
        {t('auth:logIn.noAccount')} <Link to={signUpLink}>{t('auth:logIn.signUpLink')}</Link>
      </p>
    </section>
  );
}
