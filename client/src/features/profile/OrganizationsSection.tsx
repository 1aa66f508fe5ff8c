import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useAuth } from '../../auth/AuthProvider.tsx';
import { useViewer } from '../../auth/ViewerProvider.tsx';
import { describeError } from '../../graphql/errors.ts';
import { useFormat } from '../../i18n/format.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Button } from '../../ui/Button.tsx';

/** Every organization the user belongs to; switching moves the session and opens the overview there. */
export function OrganizationsSection() {
  const { t } = useTranslation();
  const { viewer } = useViewer();
  const { switchOrganization } = useAuth();
  const navigate = useNavigate();
  const format = useFormat();
  const [switching, setSwitching] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  async function switchTo(organizationId: string) {
    setSwitching(organizationId);
    setProblem(null);
    try {
      const userErrors = await switchOrganization(organizationId);
      if (userErrors.length > 0) setProblem(userErrors.map((userError) => userError.message).join(' '));
      else await navigate('/');
    } catch (failure) {
      setProblem(describeError(failure, t));
    } finally {
      setSwitching(null);
    }
  }

  return (
    <section className="card" aria-labelledby="profile-organizations">
      <h2 id="profile-organizations">{t('profile:organizations.title')}</h2>
      {problem && <Alert>{problem}</Alert>}
      <div className="table-wrap">
        <table className="responsive memberships">
          <thead>
            <tr>
              <th scope="col">{t('profile:organizations.organization')}</th>
              <th scope="col">{t('profile:organizations.role')}</th>
              <th scope="col">{t('profile:organizations.joined')}</th>
              <th scope="col">{t('profile:organizations.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {viewer.memberships.map((membership) => {
              const current = membership.organization.id === viewer.organization.id;
              return (
                <tr key={membership.organization.id}>
                  <td data-label={t('profile:organizations.organization')}>
                    <span>
                      {membership.organization.name}
                      {current && <span className="muted"> {t('profile:organizations.current')}</span>}
                    </span>
                  </td>
                  <td data-label={t('profile:organizations.role')}>{t(`roles:${membership.role}.name`)}</td>
                  <td data-label={t('profile:organizations.joined')}>
                    <time dateTime={membership.joinedAt}>{format.date(membership.joinedAt)}</time>
                  </td>
                  <td data-label={t('profile:organizations.actions')}>
                    {!current && (
                      <Button
                        variant="secondary"
                        busy={switching === membership.organization.id}
                        disabled={switching !== null}
                        aria-label={t('profile:organizations.switchTo', { organization: membership.organization.name })}
                        onClick={() => void switchTo(membership.organization.id)}
                      >
                        {t('profile:organizations.switch')}
                      </Button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
