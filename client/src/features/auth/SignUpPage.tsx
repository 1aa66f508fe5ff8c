import { useMutation } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { useAuth } from '../../auth/AuthProvider.tsx';
import { rules, useForm } from '../../forms/useForm.ts';
import { SignUpDocument } from '../../graphql/__generated__/operations.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Button } from '../../ui/Button.tsx';
import { TextField } from '../../ui/Field.tsx';
import { PageHeader } from '../../ui/PageHeader.tsx';

/** Kept in step with the identity subgraph's password rule. */
export const MIN_PASSWORD_LENGTH = 10;

export function SignUpPage() {
  const { t } = useTranslation();
  const { signIn } = useAuth();
  const location = useLocation();
  const [signUp] = useMutation(SignUpDocument);
  const form = useForm({
    initial: { name: '', email: '', password: '', organizationName: '' },
    validate: (values) => ({
      ...(!rules.required(values.name) ? { name: t('forms:nameRequired') } : {}),
      ...(!rules.email(values.email) ? { email: t('forms:email') } : {}),
      ...(!rules.minLength(values.password, MIN_PASSWORD_LENGTH) ? { password: t('forms:passwordLength', { count: MIN_PASSWORD_LENGTH }) } : {}),
      ...(!rules.required(values.organizationName) ? { organizationName: t('forms:organizationRequired') } : {}),
    }),
    async submit(values) {
      const { data } = await signUp({
        variables: { input: { name: values.name.trim(), email: values.email.trim(), password: values.password, organizationName: values.organizationName.trim() } },
      });
      const payload = data?.userSignUp;
      if (payload?.session) await signIn(payload.session);
      return payload?.userErrors;
    },
  });
  return (
    <section className="card card--narrow">
      <PageHeader title={t('auth:signUp.title')} description={t('auth:signUp.description')} />
      {form.formError && <Alert>{form.formError}</Alert>}
      <form {...form.formProps}>
        <TextField label={t('auth:fields.name')} autoComplete="name" required {...form.field('name')} />
        <TextField label={t('auth:fields.email')} type="email" autoComplete="email" required {...form.field('email')} />
        <TextField
          label={t('auth:fields.password')}
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          hint={t('auth:signUp.passwordHint', { count: MIN_PASSWORD_LENGTH })}
          {...form.field('password')}
        />
        <TextField label={t('auth:fields.organizationName')} autoComplete="organization" required {...form.field('organizationName')} />
        <Button type="submit" busy={form.submitting}>
          {form.submitting ? t('auth:signUp.submitting') : t('auth:signUp.submit')}
        </Button>
      </form>
      <p>
        {t('auth:signUp.haveAccount')} <Link to={`/log-in${location.search}`}>{t('auth:signUp.logInLink')}</Link>
      </p>
    </section>
  );
}
