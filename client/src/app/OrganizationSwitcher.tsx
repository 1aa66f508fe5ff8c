import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useAuth } from '../auth/AuthProvider.tsx';
import { useViewer } from '../auth/ViewerProvider.tsx';
import { describeError } from '../graphql/errors.ts';

/** Lists the user's organizations; choosing one moves the session there and reloads the data. */
export function OrganizationSwitcher() {
  const { t } = useTranslation();
  const { viewer } = useViewer();
  const { switchOrganization } = useAuth();
  const navigate = useNavigate();
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  if (viewer.memberships.length < 2) {
    return <span className="organization-name">{viewer.organization.name}</span>;
  }
  return (
    <div className="compact-field">
      <label htmlFor={id}>{t('common:organization')}</label>
      <select
        id={id}
        value={viewer.organization.id}
        disabled={busy}
        aria-busy={busy || undefined}
        aria-describedby={problem ? `${id}-problem` : undefined}
        onChange={(event) => {
          const organizationId = event.target.value;
          setBusy(true);
          setProblem(null);
          switchOrganization(organizationId)
            .then((userErrors) => {
              if (userErrors.length > 0) setProblem(userErrors.map((error) => error.message).join(' '));
              else void navigate('/');
            })
            .catch((error: unknown) => setProblem(describeError(error, t)))
            .finally(() => setBusy(false));
        }}
      >
        {viewer.memberships.map((membership) => (
          <option key={membership.organization.id} value={membership.organization.id}>
            {membership.organization.name}
          </option>
        ))}
      </select>
      {problem && (
        <p className="field__error" id={`${id}-problem`} role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
