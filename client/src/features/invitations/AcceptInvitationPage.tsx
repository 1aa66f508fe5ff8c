import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
import { useAuth } from '../../auth/AuthProvider.tsx';
import { rules, useForm } from '../../forms/useForm.ts';
import { InvitationAcceptDocument } from '../../graphql/__generated__/operations.ts';
import { fieldOf } from '../../graphql/errors.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Button } from '../../ui/Button.tsx';
import { TextField } from '../../ui/Field.tsx';
import { PageHeader } from '../../ui/PageHeader.tsx';
import { MIN_PASSWORD_LENGTH } from '../auth/SignUpPage.tsx';

/** Token problems after which the link itself is dead: asking again is the only way on. */
const DEAD_LINK = new Set(['INVALID_INVITATION', 'INVITATION_EXPIRED']);

/**
 * Where the invitation link from the email lands. Someone without an account creates one here;
 * someone signed in joins with one click. Either way the session moves to the new organization.
 */
export function AcceptInvitationPage() {
  const { t } = useTranslation();
  const { state, signIn, signOut } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const [accept] = useMutation(InvitationAcceptDocument);
  const [problem, setProblem] = useState<string | null>(null);
  const [signingOut, setSigningOut] = useState(false);
  const token = new URLSearchParams(location.search).get('token')?.trim() ?? '';
  const signedIn = state.status === 'signed-in';
  // The log-in page sends a signed-in visitor on to `next`: back here, to accept.
  const logInLink = `/log-in?next=${encodeURIComponent(`${location.pathname}${location.search}`)}`;

  const form = useForm({
    initial: { name: '', password: '' },
    validate: (values) =>
      signedIn
        ? {}
        : {
            ...(!rules.required(values.name) ? { name: t('forms:nameRequired') } : {}),
            ...(!rules.minLength(values.password, MIN_PASSWORD_LENGTH) ? { password: t('forms:passwordLength', { count: MIN_PASSWORD_LENGTH }) } : {}),
          },
    async submit(values) {
      setProblem(null);
      const { data } = await accept({
        variables: { input: signedIn ? { token } : { token, name: values.name.trim(), password: values.password } },
      });
      const payload = data?.invitationAccept;
      if (payload?.session) {
        await signIn(payload.session);
        await navigate('/', { replace: true });
        return [];
      }
      const userErrors = payload?.userErrors ?? [];
      setProblem(userErrors.find((userError) => fieldOf(userError) === 'token')?.code ?? null);
      return userErrors;
    },
  });

  function logOut() {
    setSigningOut(true);
    setProblem(null);
    void signOut().finally(() => setSigningOut(false));
  }

  if (!token) {
    return (
      <section className="card card--narrow">
        <PageHeader title={t('invitations:title')} />
        <Alert title={t('invitations:incomplete.title')}>{t('invitations:incomplete.body')}</Alert>
        <p>{signedIn ? <Link to="/">{t('invitations:home')}</Link> : <Link to="/log-in">{t('invitations:logIn')}</Link>}</p>
      </section>
    );
  }

  const deadLink = problem !== null && DEAD_LINK.has(problem);
  return (
    <section className="card card--narrow">
      <PageHeader title={t('invitations:title')} description={signedIn ? t('invitations:signedIn.description') : t('invitations:signedOut.description')} />
      {form.formError && (
        <Alert
          action={
            problem === 'SIGN_IN_REQUIRED' ? (
              <Link className="button button--primary" to={logInLink}>
                {t('invitations:logIn')}
              </Link>
            ) : undefined
          }
        >
          {form.formError}
        </Alert>
      )}
      {deadLink ? (
        <p>{signedIn ? <Link to="/">{t('invitations:home')}</Link> : <Link to="/log-in">{t('invitations:logIn')}</Link>}</p>
      ) : (
        <>
          <form {...form.formProps}>
            {!signedIn && (
              <>
                <TextField label={t('invitations:signedOut.name')} autoComplete="name" required {...form.field('name')} />
                <TextField
                  label={t('invitations:signedOut.password')}
                  type="password"
                  autoComplete="new-password"
                  required
                  minLength={MIN_PASSWORD_LENGTH}
                  hint={t('invitations:signedOut.passwordHint', { count: MIN_PASSWORD_LENGTH })}
                  {...form.field('password')}
                />
              </>
            )}
            <div>
              <Button type="submit" busy={form.submitting}>
                {signedIn ? t('invitations:signedIn.submit') : t('invitations:signedOut.submit')}
              </Button>
            </div>
          </form>
          {signedIn ? (
            <p>
              {t('invitations:signedIn.otherAccount')}{' '}
              <Button variant="link" busy={signingOut} onClick={logOut}>
                {t('invitations:signedIn.logOut')}
              </Button>
            </p>
          ) : (
            <p>
              {t('invitations:signedOut.haveAccount')} <Link to={logInLink}>{t('invitations:logIn')}</Link>
            </p>
          )}
        </>
      )}
    </section>
  );
}
